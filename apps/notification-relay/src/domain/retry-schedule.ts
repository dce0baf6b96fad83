/** When attempts run: `schedule[i]` is the wait before attempt i + 1 (the first is usually 0). */
export interface RetryPolicy {
  schedule: readonly number[];
  /** Each wait is spread by ± this share, so endpoints failing together do not retry together. */
  jitter: number;
  /** The longest `Retry-After` honoured; a longer one is capped to it. */
  retryAfterMaxMs: number;
}

/** The spec's example: now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const STANDARD_SCHEDULE_MS: readonly number[] = [
  0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
];

/**
 * The wait before the next attempt after `attemptsMade` failed ones, or undefined when the
 * schedule is used up. A `Retry-After` (429, 5xx) lengthens the wait, never shortens it.
 */
export function nextAttemptDelay(
  attemptsMade: number,
  policy: RetryPolicy,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  const base = policy.schedule[attemptsMade];
  if (base === undefined) return undefined;
  const spread = base * policy.jitter * (random() * 2 - 1);
  const scheduled = Math.max(0, Math.round(base + spread));
  if (retryAfterMs === undefined) return scheduled;
  return Math.max(scheduled, Math.min(retryAfterMs, policy.retryAfterMaxMs));
}
