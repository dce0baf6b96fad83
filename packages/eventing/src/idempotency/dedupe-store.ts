import {
  type DocumentReference,
  type Firestore,
  Timestamp,
  type Transaction,
} from '@google-cloud/firestore';
import { type DedupeRecord, isBlocking, judgeRecord, type RecordVerdict } from './dedupe-record';

/** Everything a record says about the event it dedupes. */
export interface DedupeKey {
  recordId: string;
  consumer: string;
  eventType: string;
  idempotencyKey: string;
  hash: string;
  version: string;
  eventId: string;
  correlationId: string;
  subscription: string;
}

export interface DedupeStore {
  readonly collection: string;
  ref(recordId: string): DocumentReference;
  /** Reads the record in `tx` and judges it; with `owner`, a lease of that owner is `owned`. */
  judge(tx: Transaction, key: DedupeKey, owner?: string): Promise<RecordVerdict>;
  /** Writes the completed record in `tx`, with the outbox entries committed beside it. */
  complete(
    tx: Transaction,
    key: DedupeKey,
    done: { verdict: RecordVerdict; outboxIds: string[] },
  ): void;
  /** Takes an in-progress lease in its own transaction; returns the verdict it found. */
  lease(key: DedupeKey, owner: string, leaseUntil: Date): Promise<RecordVerdict>;
  /** Drops an in-progress record `owner` still holds, so the next attempt need not wait it out. */
  release(key: DedupeKey, owner: string): Promise<void>;
}

/** Where every consumer's dedupe records live (the replay app reads them too). */
export const DEDUPE_COLLECTION = 'idempotency_records';

export interface DedupeStoreOptions {
  firestore: Firestore;
  /** How long records live (Firestore TTL on `expire_at`). */
  retentionMs: number;
  collection?: string;
  now?: () => Date;
}

export function createDedupeStore(options: DedupeStoreOptions): DedupeStore {
  const { firestore } = options;
  const collectionName = options.collection ?? DEDUPE_COLLECTION;
  const records = firestore.collection(collectionName);
  const now = options.now ?? (() => new Date());

  const fields = (key: DedupeKey, state: DedupeRecord['state']) => ({
    consumer: key.consumer,
    event_type: key.eventType,
    idempotency_key: key.idempotencyKey,
    payload_hash: key.hash,
    payload_version: key.version,
    state,
    event_id: key.eventId,
    correlation_id: key.correlationId,
    subscription: key.subscription,
    updated_at: Timestamp.fromDate(now()),
    expire_at: Timestamp.fromMillis(now().getTime() + options.retentionMs),
  });

  const judge = async (tx: Transaction, key: DedupeKey, owner?: string) => {
    const snap = await tx.get(records.doc(key.recordId));
    return judgeRecord(snap.data() as DedupeRecord | undefined, key, now(), owner);
  };

  return {
    collection: collectionName,
    ref: (recordId) => records.doc(recordId),
    judge,

    complete(tx, key, { verdict, outboxIds }) {
      const attempts =
        verdict.kind === 'owned' || verdict.kind === 'lease_expired' ? verdict.attempts : 1;
      tx.set(records.doc(key.recordId), {
        ...fields(key, 'completed'),
        attempts,
        lease_owner: null,
        lease_until: null,
        outbox_ids: outboxIds,
        completed_at: Timestamp.fromDate(now()),
      } satisfies DedupeRecord);
    },

    lease(key, owner, leaseUntil) {
      return firestore.runTransaction(async (tx) => {
        const current = await judge(tx, key, owner);
        // 'owned': this transaction's own lease write committed before a retry re-ran it.
        if (isBlocking(current) || current.kind === 'owned') return current;
        tx.set(records.doc(key.recordId), {
          ...fields(key, 'in_progress'),
          attempts: current.kind === 'lease_expired' ? current.attempts + 1 : 1,
          lease_owner: owner,
          lease_until: Timestamp.fromDate(leaseUntil),
          outbox_ids: [],
          completed_at: null,
        } satisfies DedupeRecord);
        return current;
      });
    },

    async release(key, owner) {
      const ref = records.doc(key.recordId);
      await firestore.runTransaction(async (tx) => {
        const snap = await tx.get(ref);
        if (snap.get('state') === 'in_progress' && snap.get('lease_owner') === owner) {
          tx.delete(ref);
        }
      });
    },
  };
}
