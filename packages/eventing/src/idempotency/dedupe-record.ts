import type { Timestamp } from '@google-cloud/firestore';

/** What the idempotency collection stores per (consumer, event type, key). */
export interface DedupeRecord {
  consumer: string;
  event_type: string;
  idempotency_key: string;
  /** Fingerprint of the payload as sent (its major's base fields only; see contracts). */
  payload_hash: string;
  /** The version the first delivery carried; fingerprints compare within one major only. */
  payload_version: string;
  state: 'in_progress' | 'completed';
  /** First event that carried this key; later duplicates may have other ids. */
  event_id: string;
  correlation_id: string;
  subscription: string;
  attempts: number;
  lease_owner: string | null;
  lease_until: Timestamp | null;
  outbox_ids: string[];
  updated_at: Timestamp;
  completed_at: Timestamp | null;
  /** Firestore TTL field: the record outlives any replay window, then goes. */
  expire_at: Timestamp;
}

/** How a dedupe record stands against the delivery at hand. */
export type RecordVerdict =
  | { kind: 'new' }
  | { kind: 'duplicate'; outboxIds: string[] }
  | { kind: 'conflict'; storedHash: string }
  /** In progress under the caller's own lease (e.g. its lease write committed, then retried). */
  | { kind: 'owned'; attempts: number }
  /** In progress under another delivery's live lease. */
  | { kind: 'leased'; leaseUntil: Date }
  /** In progress under another delivery's lease that ran out: that delivery is presumed dead. */
  | { kind: 'lease_expired'; attempts: number };

/** Verdicts that stop this delivery from processing: answered without running the handler. */
export type BlockingVerdict = Extract<RecordVerdict, { kind: 'duplicate' | 'conflict' | 'leased' }>;

export const isBlocking = (verdict: RecordVerdict): verdict is BlockingVerdict =>
  verdict.kind === 'duplicate' || verdict.kind === 'conflict' || verdict.kind === 'leased';

const majorOf = (version: string | undefined): string | undefined => version?.split('.')[0];

/**
 * Pure decision over a stored record; the caller owns the transaction that read it. The same key
 * under another major is a duplicate, not a conflict: fingerprints of two majors never match, and
 * the key alone names the fact (a producer that moved to a new major re-sent it).
 */
export function judgeRecord(
  record: DedupeRecord | undefined,
  incoming: { hash: string; version: string },
  now: Date,
  leaseOwner?: string,
): RecordVerdict {
  if (!record) return { kind: 'new' };
  const sameMajor =
    record.payload_version === undefined ||
    majorOf(record.payload_version) === majorOf(incoming.version);
  if (sameMajor && record.payload_hash !== incoming.hash) {
    return { kind: 'conflict', storedHash: record.payload_hash };
  }
  if (record.state === 'completed') return { kind: 'duplicate', outboxIds: record.outbox_ids };
  if (leaseOwner !== undefined && record.lease_owner === leaseOwner) {
    return { kind: 'owned', attempts: record.attempts };
  }
  const leaseUntil = record.lease_until?.toDate();
  if (leaseUntil && leaseUntil > now) return { kind: 'leased', leaseUntil };
  return { kind: 'lease_expired', attempts: record.attempts };
}
