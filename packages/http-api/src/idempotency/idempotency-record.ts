import type { Timestamp } from '@google-cloud/firestore';

/** The answer kept for a key, replayed to every retry. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

/** `idempotency_keys/{sha256(principal, method, path template, key)}`. */
export interface IdempotencyRecord {
  principal: string;
  method: string;
  path: string;
  fingerprint: string;
  state: 'in_flight' | 'completed';
  lease_owner: string | null;
  lease_until: Timestamp | null;
  response: StoredResponse | null;
  created_at: Timestamp;
  completed_at: Timestamp | null;
  /** Firestore TTL field. */
  expire_at: Timestamp;
}

export type IdempotencyVerdict =
  | { kind: 'new' }
  | { kind: 'mismatch' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in_flight' }
  /** In flight under a lease that ran out: its request is presumed dead, the key may be taken. */
  | { kind: 'lease_expired' };

/** Pure decision over the stored record for the request at hand. */
export function judgeIdempotency(
  record: IdempotencyRecord | undefined,
  fingerprint: string,
  now: Date,
): IdempotencyVerdict {
  // Past its retention (TTL deletion lags), a record no longer binds the key.
  if (!record || record.expire_at.toMillis() <= now.getTime()) return { kind: 'new' };
  if (record.fingerprint !== fingerprint) return { kind: 'mismatch' };
  if (record.state === 'completed' && record.response) {
    return { kind: 'replay', response: record.response };
  }
  if (record.lease_until && record.lease_until.toMillis() > now.getTime()) {
    return { kind: 'in_flight' };
  }
  return { kind: 'lease_expired' };
}
