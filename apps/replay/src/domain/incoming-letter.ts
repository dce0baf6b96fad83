import { createHash } from 'node:crypto';
import type { ConsumerName } from '@gpuaas/contracts';
import { decodeBase64, type PushMessage } from '@gpuaas/eventing';
import { type SplitAttributes, splitAttributes } from './letter-attributes';
import { peekEvent } from './letter-data';
import { entryIdOf, letterIdOf } from './letter-identity';
import { type LetterReason, letterReason, sourceSubscriptionOf } from './letter-reason';
import { type LetterRoute, letterRoute } from './letter-source';

/** A dead letter as it reached the archive, with everything the entry is built from. */
export interface IncomingLetter {
  entryId: string;
  letterId: string;
  route: LetterRoute;
  /** The original bytes (as sent when the push carried valid base64, else its raw text). */
  data: Buffer;
  dataSha256: string;
  dataBase64Valid: boolean;
  attributes: SplitAttributes;
  reason: LetterReason;
  eventType: string | null;
  eventId: string | null;
  correlationId: string | null;
  version: string | null;
  idempotencyKey: string | null;
  /** Set when the letter is a replayed message that failed again. */
  replay: { replayId: string | null; count: number | null; revision: number | null };
  archiveMessageId: string;
}

const count = (value: string | undefined): number | null =>
  value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : null;

/** Pure: builds the archive's view of a push message on `<consumer>.dlq.archive`. */
export function incomingLetter(consumer: ConsumerName, message: PushMessage): IncomingLetter {
  const decoded = decodeBase64(message.dataBase64);
  // Never refused: bytes that are not base64 are kept as the text that arrived.
  const data = decoded ?? Buffer.from(message.dataBase64);
  const attributes = splitAttributes(message.attributes);
  const peeked = peekEvent(data);
  const original = attributes.original;
  const eventType = peeked.eventType ?? original.event_type ?? null;
  const route = letterRoute(consumer, sourceSubscriptionOf(attributes.deadLetter), eventType);
  const dataSha256 = createHash('sha256').update(data).digest('hex');
  return {
    entryId: entryIdOf(route.subscription, attributes.replay.replay_of, dataSha256),
    letterId: letterIdOf(
      attributes.deadLetter.source_message_id,
      message.messageId,
      route.subscription,
    ),
    route,
    data,
    dataSha256,
    dataBase64Valid: decoded !== undefined,
    attributes,
    reason: letterReason(attributes.deadLetter),
    eventType,
    eventId: peeked.eventId ?? original.event_id ?? null,
    correlationId: peeked.correlationId ?? original.correlation_id ?? null,
    version: peeked.version ?? original.version ?? null,
    idempotencyKey: original.idempotency_key ?? null,
    replay: {
      replayId: attributes.replay.replay_id ?? null,
      count: count(attributes.replay.replay_count),
      revision: count(attributes.replay.replay_revision),
    },
    archiveMessageId: message.messageId,
  };
}
