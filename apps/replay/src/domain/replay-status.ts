/** A replay task: it runs, then completes, is cancelled, or fails with a reason. */
export type ReplayStatus = 'running' | 'completed' | 'cancelling' | 'cancelled' | 'failed';

export const REPLAY_STATUSES: readonly ReplayStatus[] = [
  'running',
  'completed',
  'cancelling',
  'cancelled',
  'failed',
];

/** Statuses a runner still has work in. */
export const ACTIVE_REPLAY_STATUSES: readonly ReplayStatus[] = ['running', 'cancelling'];

export const isFinished = (status: ReplayStatus): boolean =>
  status === 'completed' || status === 'cancelled' || status === 'failed';

/** A cancel request: a running task stops at its next batch; a finished one stays as it is. */
export function cancelled(status: ReplayStatus): ReplayStatus {
  return status === 'running' ? 'cancelling' : status;
}
