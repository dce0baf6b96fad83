import { msOf, storedInstant } from '@gpuaas/allocations';

/** A usage interval `[start, end)` of one allocation, in whole seconds. */
export interface UsageInterval {
  start: string;
  end: string;
  seconds: number;
}

/**
 * The next interval a meter tick may emit: from where metering stopped, as many whole billing
 * increments as have fully elapsed by `now` (Billing rounds every interval up to the increment,
 * so a non-final interval that is not a whole number of increments would overcharge). None when
 * less than one increment has elapsed.
 */
export function nextInterval(
  meteredUntil: string,
  now: Date | string,
  incrementSeconds: number,
): UsageInterval | null {
  const start = msOf(meteredUntil);
  const elapsedSeconds = Math.floor((msOf(now) - start) / 1000);
  const seconds = Math.floor(elapsedSeconds / incrementSeconds) * incrementSeconds;
  if (seconds <= 0) return null;
  return { start: storedInstant(start), end: storedInstant(start + seconds * 1000), seconds };
}

/** The interval between two stored instants (the final one at release), possibly empty. */
export function intervalBetween(start: string, end: string): UsageInterval {
  const seconds = Math.max(0, Math.floor((msOf(end) - msOf(start)) / 1000));
  return { start: storedInstant(start), end: storedInstant(msOf(start) + seconds * 1000), seconds };
}
