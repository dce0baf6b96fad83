import type { AttemptVerdict } from './attempt-outcome';
import { nextAttemptDelay, type RetryPolicy } from './retry-schedule';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'disabled';

/** Where a delivery stands after an attempt. */
export type DeliveryDecision =
  | { status: 'delivered' }
  | { status: 'pending'; nextAttemptAt: Date }
  | { status: 'failed'; reason: 'attempts_exhausted' }
  | { status: 'disabled'; reason: 'endpoint_gone' | 'endpoint_failing' };

/** The next state of a delivery whose attempt number `attemptsMade` ended with `verdict`. */
export function decideDelivery(
  verdict: AttemptVerdict,
  attemptsMade: number,
  policy: RetryPolicy,
  now: Date,
  random?: () => number,
): DeliveryDecision {
  if (verdict.kind === 'delivered') return { status: 'delivered' };
  if (verdict.kind === 'gone') return { status: 'disabled', reason: 'endpoint_gone' };
  const delay = nextAttemptDelay(attemptsMade, policy, verdict.retryAfterMs, random);
  if (delay === undefined) return { status: 'failed', reason: 'attempts_exhausted' };
  return { status: 'pending', nextAttemptAt: new Date(now.getTime() + delay) };
}
