import { deadLetterTopicName } from '@gpuaas/contracts';
import type { DeadLetterReason } from './errors';
import type { OutgoingMessage } from './publisher';
import type { PushMessage } from './push/push-body';

/** Pub/Sub caps an attribute value at 1024 bytes. */
const MAX_ATTRIBUTE_BYTES = 1024;

function truncate(text: string): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= MAX_ATTRIBUTE_BYTES) return text;
  return `${bytes
    .subarray(0, MAX_ATTRIBUTE_BYTES - 3)
    .toString('utf8')
    .replace(/\uFFFD$/, '')}...`;
}

/** The original data and attributes, plus why and where from, bound for `<consumer>.dlq`. */
export function deadLetterMessage(
  consumer: string,
  subscription: string,
  message: PushMessage,
  data: Buffer,
  reason: DeadLetterReason,
  detail: string,
  now: Date,
): OutgoingMessage {
  return {
    topic: deadLetterTopicName(consumer),
    data,
    attributes: {
      ...message.attributes,
      dlq_reason: reason,
      dlq_detail: truncate(detail),
      source_subscription: subscription,
      source_message_id: message.messageId,
      dead_lettered_at: now.toISOString(),
    },
  };
}
