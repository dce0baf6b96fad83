/** A duration setting could not be read; names the text at fault. */
export class DurationError extends Error {
  override readonly name = 'DurationError';
  constructor(readonly text: string) {
    super(`"${text}" is not a duration (e.g. 250ms, 5s, 5m, 2h, 1d, or plain milliseconds)`);
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+)(ms|s|m|h|d)?$/;

/** `250ms`, `5s`, `5m`, `2h`, `1d`; a bare number is milliseconds. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new DurationError(text);
  const [, amount, unit] = match;
  return Number(amount) * (UNIT_MS[unit ?? 'ms'] ?? 1);
}

/** A comma-separated list of durations, in order. */
export function parseDurationList(text: string): number[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(parseDuration);
}

/** `2h 30m`, `45s`, `120ms`: for texts that people read. */
export function describeDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.slice(0, 2).join(' ');
}
