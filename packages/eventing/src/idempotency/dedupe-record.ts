import type { Timestamp } from '@google-cloud/firestore';

/** What the idempotency collection stores per (consumer, event type, key). */
export interface DedupeRecord {
  consumer: string;
  event_type: string;
  idempotency_key: string;
  payload_hash: string;
  state: 'in_progress' | 'completed';
  /** First event that carried this key; later duplicates may have other ids. */
  event_id: string;
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

/** Pure decision over a stored record; the caller owns the transaction that read it. */
export function judgeRecord(
  record: DedupeRecord | undefined,
  hash: string,
  now: Date,
  leaseOwner?: string,
): RecordVerdict {
  if (!record) return { kind: 'new' };
  if (record.payload_hash !== hash) return { kind: 'conflict', storedHash: record.payload_hash };
  if (record.state === 'completed') return { kind: 'duplicate', outboxIds: record.outbox_ids };
  if (leaseOwner !== undefined && record.lease_owner === leaseOwner) {
    return { kind: 'owned', attempts: record.attempts };
  }
  const leaseUntil = record.lease_until?.toDate();
  if (leaseUntil && leaseUntil > now) return { kind: 'leased', leaseUntil };
  return { kind: 'lease_expired', attempts: record.attempts };
}
