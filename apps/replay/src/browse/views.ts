import type { Timestamp } from '@google-cloud/firestore';
import { utf8Text } from '../domain/letter-data';
import type { DeadLetterDetail, DeadLetterSummary } from '../routes/schemas';
import type { DeadLetterRecord } from '../store/dead-letter-record';
import { type Assessment, replayEffect } from './assess';

const iso = (ts: Timestamp) => ts.toDate().toISOString();

export function summaryOf(record: DeadLetterRecord): DeadLetterSummary {
  return {
    id: record.id,
    consumer: record.consumer,
    source_subscription: record.source_subscription,
    topic: record.topic,
    event_type: record.event_type,
    event_id: record.event_id,
    correlation_id: record.correlation_id,
    idempotency_key: record.idempotency_key,
    reason: record.reason,
    status: record.status,
    first_seen_at: iso(record.first_seen_at),
    last_seen_at: iso(record.last_seen_at),
    seen_count: record.seen_count,
    replay_count: record.replay_count,
    data_bytes: record.data.size,
    current_revision: record.current_revision,
    replay_deadline: iso(record.replay_deadline),
  };
}

const TEXT_PREVIEW = 64 * 1024;
const ENVELOPE_LIMIT = 1024 * 1024;

/** The full view: decoded data, its validation and the consumer's dedupe standing. */
export function detailOf(
  record: DeadLetterRecord,
  data: Buffer,
  assessment: Assessment,
): DeadLetterDetail {
  const text = utf8Text(data);
  let envelope: unknown = null;
  if (text !== null && data.length <= ENVELOPE_LIMIT) {
    try {
      envelope = JSON.parse(text);
    } catch {
      envelope = null;
    }
  }
  const { validation } = assessment;
  return {
    ...summaryOf(record),
    attributes: record.attributes,
    dead_letter_attributes: record.dead_letter_attributes,
    data_sha256: record.data.sha256,
    data_base64_valid: record.data_base64_valid,
    data_text: text === null ? null : text.slice(0, TEXT_PREVIEW),
    data_truncated: text !== null && text.length > TEXT_PREVIEW,
    envelope,
    validation: validation.ok
      ? { ok: true, code: null, errors: [] }
      : { ok: false, code: validation.code, errors: validation.issues },
    dedupe: {
      record_id: validation.ok ? validation.recordId : null,
      idempotency_key: validation.ok ? validation.idempotencyKey : null,
      standing: assessment.standing,
      replay_effect: replayEffect(assessment),
    },
    revisions: record.revisions.map((r) => ({
      revision: r.revision,
      event_id: r.event_id,
      idempotency_key: r.idempotency_key,
      data_bytes: r.data.size,
      created_by: r.created_by,
      created_at: iso(r.created_at),
      reason: r.reason,
    })),
    history: record.history.map(({ at, ...rest }) => ({ at: iso(at), ...rest })),
    last_replay: record.last_replay && {
      replay_id: record.last_replay.replay_id,
      at: iso(record.last_replay.at),
      by: record.last_replay.by,
    },
    discard: record.discard && {
      by: record.discard.by,
      at: iso(record.discard.at),
      reason: record.discard.reason,
    },
  };
}
