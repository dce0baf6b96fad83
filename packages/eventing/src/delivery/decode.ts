import {
  ContractError,
  type EventOf,
  type EventType,
  idempotencyKeyParts,
  parseEnvelope,
  payloadFingerprint,
} from '@gpuaas/contracts';
import { describeError } from '../describe-error';
import type { DeadLetterReason } from '../errors';
import type { DedupeKey } from '../idempotency/dedupe-store';
import { dedupeRecordId } from '../idempotency/record-key';
import type { AnySubscription } from '../subscription';
import { decodeBase64, type PushMessage } from '../wire/push-message';
import { MAX_NESTING_DEPTH, nestsDeeperThan } from './nesting';

export type Decoded =
  | { ok: true; data: Buffer; event: EventOf<EventType>; key: DedupeKey }
  | { ok: false; data: Buffer; reason: DeadLetterReason; detail: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export const issuesText = (error: ContractError): string =>
  error.issues.length === 0
    ? error.message
    : error.issues.map((issue) => `${issue.path || '/'}: ${issue.message}`).join('; ');

/**
 * From a push message to a validated event and its dedupe key, or the reason it is a dead letter.
 * Pure: no I/O, and nothing it is given can make it throw.
 */
export function decodeDelivery(
  subscription: AnySubscription,
  message: PushMessage,
  subscriptionName: string,
): Decoded {
  const data = decodeBase64(message.dataBase64);
  if (!data) {
    return {
      ok: false,
      data: Buffer.from(message.dataBase64),
      reason: 'not_base64',
      detail: 'message.data is not base64',
    };
  }
  const fail = (reason: DeadLetterReason, detail: string): Decoded => ({
    ok: false,
    data,
    reason,
    detail,
  });
  let sent: { version?: unknown; payload?: unknown };
  try {
    sent = JSON.parse(utf8.decode(data));
  } catch (error) {
    return fail('not_json', describeError(error));
  }
  if (nestsDeeperThan(sent, MAX_NESTING_DEPTH)) {
    return fail('payload_invalid', `nested deeper than ${MAX_NESTING_DEPTH} levels`);
  }
  try {
    // Parsed here, not by parseEnvelope, to keep the payload as sent: an upcast makes a new one.
    const parsed = parseEnvelope(sent, {
      accept: { [subscription.eventType]: subscription.versions },
    });
    if (!parsed.ok) return fail(parsed.error.code, issuesText(parsed.error));
    const event = parsed.event as EventOf<EventType>;
    if (event.event_type !== subscription.eventType) {
      return fail(
        'wrong_event_type',
        `${event.event_type} arrived on the route of ${subscription.eventType}`,
      );
    }
    const keyParts = idempotencyKeyParts(event.event_type, event.payload);
    const recordId = dedupeRecordId(subscription.consumer, event.event_type, keyParts);
    return {
      ok: true,
      data,
      event,
      key: {
        recordId,
        consumer: subscription.consumer,
        eventType: event.event_type,
        idempotencyKey: keyParts.join(':'),
        hash: payloadFingerprint(event.event_type, String(sent.version), sent.payload),
        version: String(sent.version),
        eventId: event.event_id,
        correlationId: event.correlation_id,
        subscription: subscriptionName,
      },
    };
  } catch (error) {
    // A contract error here is the payload's fault (a key part, a fingerprint too deep to take).
    if (error instanceof ContractError) return fail('payload_invalid', issuesText(error));
    return fail('payload_invalid', `cannot be decoded: ${describeError(error)}`);
  }
}
