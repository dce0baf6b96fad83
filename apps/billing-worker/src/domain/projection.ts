import { floorDiv } from './instants';

const MS_PER_HOUR = 3_600_000n;
const MS_PER_MINUTE = 60_000n;

/** Σ rate × gpu_count over the open windows: micros per hour. */
export function burnRate(
  windows: readonly { rate_micros_per_gpu_hour: number; gpu_count: number }[],
): number {
  let total = 0n;
  for (const w of windows) total += BigInt(w.rate_micros_per_gpu_hour) * BigInt(w.gpu_count);
  return Number(total);
}

/**
 * When the balance runs out at the burn rate: now + balance / burn, floored to the minute (the
 * estimate drifts; a floored time keeps `auto_release_pending`'s key stable). Null at burn 0;
 * `now` (floored) once the balance is gone. Milliseconds since the epoch.
 */
export function projectedDepletionMs(
  balanceMicros: number,
  burnMicrosPerHour: number,
  nowMs: number,
): number | null {
  if (burnMicrosPerHour <= 0) return null;
  const now = BigInt(nowMs);
  const left =
    balanceMicros <= 0
      ? 0n
      : floorDiv(BigInt(balanceMicros) * MS_PER_HOUR, BigInt(burnMicrosPerHour));
  const at = now + left;
  return Number(at - (((at % MS_PER_MINUTE) + MS_PER_MINUTE) % MS_PER_MINUTE));
}
