import type { DeadLetterReason } from '../errors';

/** What became of one delivery; the push app chooses the HTTP answer from it. */
export type DeliveryOutcome =
  | { outcome: 'processed' | 'duplicate' | 'skipped' }
  | { outcome: 'dead_lettered'; reason: DeadLetterReason; detail: string }
  /** Not done now; Pub/Sub redelivers with backoff (and dead-letters after its attempts). */
  | { outcome: 'retry'; reason: string; detail: string };

export const retry = (reason: string, detail: string): DeliveryOutcome => ({
  outcome: 'retry',
  reason,
  detail,
});
