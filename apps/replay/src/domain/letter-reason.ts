import { PUBSUB_DEAD_LETTER_PREFIX } from './letter-attributes';

/** Why a message was dead-lettered, from whichever side dead-lettered it. */
export interface LetterReason {
  /** `consumer`: our runtime judged it permanent; `pubsub`: retries ran out. */
  source: 'consumer' | 'pubsub' | 'unknown';
  /** `dlq_reason` (`payload_invalid`, `handler_rejected`, ...) or `delivery_attempts_exhausted`. */
  code: string;
  detail: string | null;
  /** Pub/Sub's delivery count when it dead-lettered the message itself. */
  deliveryCount: number | null;
}

export const PUBSUB_EXHAUSTED = 'delivery_attempts_exhausted';

const MAX_CODE = 64;

export function letterReason(deadLetter: Readonly<Record<string, string>>): LetterReason {
  const code = deadLetter.dlq_reason;
  if (code) {
    return {
      source: 'consumer',
      code: code.slice(0, MAX_CODE),
      detail: deadLetter.dlq_detail ?? null,
      deliveryCount: null,
    };
  }
  const count = deadLetter[`${PUBSUB_DEAD_LETTER_PREFIX}DeliveryCount`];
  const pubsubSubscription = deadLetter[`${PUBSUB_DEAD_LETTER_PREFIX}Subscription`];
  if (count !== undefined || pubsubSubscription !== undefined) {
    const deliveryCount = count !== undefined && /^\d+$/.test(count) ? Number(count) : null;
    const message = deadLetter[`${PUBSUB_DEAD_LETTER_PREFIX}DeliveryErrorMessage`];
    return {
      source: 'pubsub',
      code: PUBSUB_EXHAUSTED,
      detail:
        message ??
        `Pub/Sub dead-lettered it after ${deliveryCount ?? 'its maximum'} delivery attempts`,
      deliveryCount,
    };
  }
  return { source: 'unknown', code: 'unknown', detail: null, deliveryCount: null };
}

/** The subscription the message failed on, as either side names it. */
export function sourceSubscriptionOf(deadLetter: Readonly<Record<string, string>>): string | null {
  return (
    deadLetter.source_subscription ?? deadLetter[`${PUBSUB_DEAD_LETTER_PREFIX}Subscription`] ?? null
  );
}
