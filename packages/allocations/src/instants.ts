/**
 * Instants as the allocation document stores them: fixed-width ISO 8601 with milliseconds
 * (`2026-01-01T00:00:00.000Z`), so stored strings sort as the instants they name and range
 * queries (`next_attempt_at <= now`) work on them. Events carry the canonical form instead.
 */
export type InstantInput = Date | number | string;

export function msOf(value: InstantInput): number {
  const ms =
    value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new RangeError(`not an instant: ${String(value)}`);
  return ms;
}

export function storedInstant(value: InstantInput): string {
  return new Date(msOf(value)).toISOString();
}

/** The instant floored to its second: usage windows open and close on whole seconds. */
export function wholeSecond(value: InstantInput): string {
  return storedInstant(Math.floor(msOf(value) / 1000) * 1000);
}

export function addSeconds(value: InstantInput, seconds: number): string {
  return storedInstant(msOf(value) + seconds * 1000);
}

/** The later of two stored instants (either may be null). */
export function laterOf(a: string, b: string | null | undefined): string {
  if (b === null || b === undefined) return a;
  return msOf(b) > msOf(a) ? b : a;
}

/** Whole seconds from `start` to `end` (both on whole seconds in practice). */
export function secondsBetween(start: InstantInput, end: InstantInput): number {
  return Math.floor((msOf(end) - msOf(start)) / 1000);
}
