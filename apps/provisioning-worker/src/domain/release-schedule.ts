import { addSeconds, msOf } from '@gpuaas/allocations';

export interface ReleaseSchedule {
  /** Delay after the first failed attempt (DOMAIN.md: 30 s). */
  retrySeconds: number;
  /** Longest delay: the doubling stops here (30 s too by default: a retry every 30 s). */
  maxRetrySeconds: number;
  /** From the release's start to giving up with `release_failed` (DOMAIN.md: 15 min). */
  deadlineSeconds: number;
}

/** Delay before the attempt after attempt `attempt` (1-based): doubling, capped. */
export function retryDelaySeconds(schedule: ReleaseSchedule, attempt: number): number {
  const doubled = schedule.retrySeconds * 2 ** Math.max(0, attempt - 1);
  return Math.min(schedule.maxRetrySeconds, doubled);
}

export const nextAttemptAt = (schedule: ReleaseSchedule, at: string, attempt: number): string =>
  addSeconds(at, retryDelaySeconds(schedule, attempt));

/** After a failed attempt: give up when the next one would come after the deadline. */
export const retriesExhausted = (nextAttempt: string, deadlineAt: string): boolean =>
  msOf(nextAttempt) > msOf(deadlineAt);
