import {
  ContractError,
  type EventType,
  idempotencyKeyParts,
  type PayloadOf,
  parseEnvelope,
  payloadFingerprint,
  supportedMajors,
} from '@gpuaas/contracts';
import { dedupeRecordId } from '@gpuaas/eventing';
import { utf8Text } from './letter-data';

export interface ValidationIssue {
  path: string;
  message: string;
}

/** What the consumer would make of a dead letter today, and under which dedupe record. */
export type LetterValidation =
  | {
      ok: true;
      eventId: string;
      /** The consumer's dedupe record of this event (`DEDUPE_COLLECTION`). */
      recordId: string;
      idempotencyKey: string;
      /** Fingerprint of the payload as sent, what the record stores. */
      fingerprint: string;
      version: string;
      payload: Record<string, unknown>;
    }
  | { ok: false; code: string; issues: ValidationIssue[] };

/**
 * Validates the bytes as the consumer's push route would, against its current schema (the
 * catalog's majors of the event type), and derives the dedupe record id its runtime uses.
 */
export function validateLetter(
  data: Uint8Array,
  consumer: string,
  eventType: EventType | null,
): LetterValidation {
  if (eventType === null) {
    return {
      ok: false,
      code: 'unroutable',
      issues: [{ path: '', message: 'the source subscription is not a catalog subscription' }],
    };
  }
  const text = utf8Text(data);
  if (text === null) {
    return { ok: false, code: 'not_json', issues: [{ path: '', message: 'data is not UTF-8' }] };
  }
  const parsed = parseEnvelope(text, { accept: { [eventType]: supportedMajors(eventType) } });
  if (!parsed.ok) return { ok: false, code: parsed.error.code, issues: parsed.error.issues };
  const event = parsed.event;
  if (event.event_type !== eventType) {
    return {
      ok: false,
      code: 'wrong_event_type',
      issues: [
        {
          path: '/event_type',
          message: `${event.event_type} arrived on the route of ${eventType}`,
        },
      ],
    };
  }
  const sent = parsed.sent ?? { version: event.version, payload: event.payload };
  try {
    const parts = idempotencyKeyParts(eventType, event.payload as PayloadOf<typeof eventType>);
    return {
      ok: true,
      eventId: event.event_id,
      recordId: dedupeRecordId(consumer, eventType, parts),
      idempotencyKey: parts.join(':'),
      fingerprint: payloadFingerprint(eventType, sent.version, sent.payload),
      version: sent.version,
      payload: event.payload as Record<string, unknown>,
    };
  } catch (error) {
    if (error instanceof ContractError) {
      return { ok: false, code: error.code, issues: error.issues };
    }
    return { ok: false, code: 'payload_invalid', issues: [{ path: '', message: String(error) }] };
  }
}

/** How a consumer's dedupe record stands against a replay of the letter. */
export type DedupeStanding =
  /** No record: the consumer never applied this key; a replay is processed. */
  | 'not_applied'
  /** Completed with this payload: a replay is acknowledged as a duplicate, a no-op. */
  | 'already_applied'
  /** Completed with another payload: a replay is dead-lettered again as a conflict. */
  | 'conflict'
  /** A delivery holds it in progress right now. */
  | 'in_progress';

export interface DedupeRecordView {
  state?: unknown;
  payload_hash?: unknown;
  payload_version?: unknown;
}

const majorOf = (version: unknown) => (typeof version === 'string' ? version.split('.')[0] : '');

/** Mirrors the runtime's judgement of a record (eventing `judgeRecord`), without a lease. */
export function dedupeStanding(
  record: DedupeRecordView | undefined,
  fingerprint: string,
  version: string,
): DedupeStanding {
  if (!record) return 'not_applied';
  const sameMajor =
    record.payload_version === undefined || majorOf(record.payload_version) === majorOf(version);
  if (sameMajor && record.payload_hash !== fingerprint) return 'conflict';
  return record.state === 'completed' ? 'already_applied' : 'in_progress';
}
