import { deadLetterTopicName } from '@gpuaas/contracts';
import type { DeadLetterReason } from './errors';
import type { OutgoingMessage } from './publisher';
import { PUBSUB_LIMITS } from './wire/limits';
import type { PushMessage } from './wire/push-message';

// A dead letter must never be refused by Pub/Sub, so it is cut to fit its limits.
const MAX_ATTRIBUTES = PUBSUB_LIMITS.attributes;
const MAX_KEY_BYTES = PUBSUB_LIMITS.attributeKeyBytes;
const MAX_VALUE_BYTES = PUBSUB_LIMITS.attributeValueBytes;

/** Envelope attributes are kept first when a message carries more than fit. */
const FIRST = [
  'event_type',
  'version',
  'event_id',
  'correlation_id',
  'causation_id',
  'idempotency_key',
  'producer',
  'replay_target',
  'replay_id',
  'replay_count',
  'replay_of',
  'replay_revision',
  'traceparent',
];

export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= maxBytes) return text;
  // Cut on a character boundary: a split multi-byte sequence decodes to U+FFFD.
  return `${bytes
    .subarray(0, maxBytes - 3)
    .toString('utf8')
    .replace(/\uFFFD+$/, '')}...`;
}

const rank = (key: string) => {
  const index = FIRST.indexOf(key);
  return index === -1 ? FIRST.length : index;
};

/**
 * The original data and attributes, plus why and where from, bound for `<consumer>.dlq`.
 * Original attributes Pub/Sub would refuse (a `goog` prefix, an over-long key) are dropped and
 * counted, long values are truncated, and the count stays within Pub/Sub's limit.
 */
export function deadLetterMessage(
  consumer: string,
  subscription: string,
  message: PushMessage,
  data: Buffer,
  reason: DeadLetterReason,
  detail: string,
  now: Date,
): OutgoingMessage {
  const added: Record<string, string> = {
    dlq_reason: reason,
    dlq_detail: truncateUtf8(detail, MAX_VALUE_BYTES),
    source_subscription: truncateUtf8(subscription, MAX_VALUE_BYTES),
    source_message_id: truncateUtf8(message.messageId, MAX_VALUE_BYTES),
    dead_lettered_at: now.toISOString(),
  };
  // One for the dropped count, two for the trace context the publish adds.
  const room = MAX_ATTRIBUTES - Object.keys(added).length - 3;
  const candidates = Object.entries(message.attributes)
    .filter(
      ([key]) =>
        !(key in added) &&
        key !== 'dlq_dropped_attributes' &&
        !key.toLowerCase().startsWith('goog') &&
        Buffer.byteLength(key) <= MAX_KEY_BYTES,
    )
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const kept = candidates.slice(0, room);
  const attributes: Record<string, string> = {};
  for (const [key, value] of kept) attributes[key] = truncateUtf8(value, MAX_VALUE_BYTES);
  Object.assign(attributes, added);
  const dropped = Object.keys(message.attributes).filter(
    (key) => !(key in added) && !(key in attributes),
  ).length;
  if (dropped > 0) attributes.dlq_dropped_attributes = String(dropped);
  return { topic: deadLetterTopicName(consumer), data, attributes };
}
