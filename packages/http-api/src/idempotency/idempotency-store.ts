import { randomUUID } from 'node:crypto';
import { type DocumentReference, type Firestore, Timestamp } from '@google-cloud/firestore';
import {
  type IdempotencyRecord,
  judgeIdempotency,
  type StoredResponse,
} from './idempotency-record';

export const IDEMPOTENCY_COLLECTION = 'idempotency_keys';

export interface IdempotencyOptions {
  firestore: Firestore;
  /** How long a request holds its key before a retry may take it over; outlasts any handler. */
  leaseMs?: number;
  /** How long an answer is kept and replayed (the `expire_at` TTL field). Default 24 h. */
  ttlMs?: number;
}

/** This request holds the key; only it may store the answer or let the key go. */
export interface IdempotencyClaim {
  ref: DocumentReference;
  writeTime: Timestamp;
}

export type IdempotencyBegin =
  | { kind: 'run'; claim: IdempotencyClaim }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

export interface IdempotencyStore {
  begin(
    recordId: string,
    request: { principal: string; method: string; path: string; fingerprint: string },
  ): Promise<IdempotencyBegin>;
  complete(claim: IdempotencyClaim, response: StoredResponse): Promise<void>;
  release(claim: IdempotencyClaim): Promise<void>;
}

const ALREADY_EXISTS = 6;
const NOT_FOUND = 5;
const FAILED_PRECONDITION = 9;
const codeOf = (error: unknown) => (error as { code?: number }).code;

/**
 * Keys as single-document writes with preconditions (create; update and delete at the claim's
 * write time): no transactions, which serialize badly when identical requests race.
 */
export function createIdempotencyStore(options: IdempotencyOptions): IdempotencyStore {
  const collection = options.firestore.collection(IDEMPOTENCY_COLLECTION);
  const leaseMs = options.leaseMs ?? 60_000;
  const ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;

  return {
    async begin(recordId, request) {
      const ref = collection.doc(recordId);
      // A lost race (the record changed between read and write) is decided again, a few times.
      for (let attempt = 0; attempt < 5; attempt++) {
        const now = Date.now();
        const record: IdempotencyRecord = {
          ...request,
          state: 'in_flight',
          lease_owner: randomUUID(),
          lease_until: Timestamp.fromMillis(now + leaseMs),
          response: null,
          created_at: Timestamp.fromMillis(now),
          completed_at: null,
          expire_at: Timestamp.fromMillis(now + ttlMs),
        };
        try {
          const { writeTime } = await ref.create(record);
          return { kind: 'run', claim: { ref, writeTime } };
        } catch (error) {
          if (codeOf(error) !== ALREADY_EXISTS) throw error;
        }
        const snap = await ref.get();
        if (!snap.exists || !snap.updateTime) continue;
        const verdict = judgeIdempotency(
          snap.data() as IdempotencyRecord,
          request.fingerprint,
          new Date(now),
        );
        if (
          verdict.kind === 'replay' ||
          verdict.kind === 'mismatch' ||
          verdict.kind === 'in_flight'
        ) {
          return verdict;
        }
        try {
          // Every field is rewritten, so this update replaces the stale record whole.
          const { writeTime } = await ref.update(
            { ...record },
            { lastUpdateTime: snap.updateTime },
          );
          return { kind: 'run', claim: { ref, writeTime } };
        } catch (error) {
          if (codeOf(error) !== FAILED_PRECONDITION) throw error;
        }
      }
      return { kind: 'in_flight' };
    },

    async complete(claim, response) {
      try {
        await claim.ref.update(
          {
            state: 'completed',
            response,
            lease_owner: null,
            lease_until: null,
            completed_at: Timestamp.now(),
          },
          { lastUpdateTime: claim.writeTime },
        );
      } catch (error) {
        // Taken over after our lease ran out: the request that holds it now stores its answer.
        if (codeOf(error) !== FAILED_PRECONDITION && codeOf(error) !== NOT_FOUND) throw error;
      }
    },

    async release(claim) {
      try {
        await claim.ref.delete({ lastUpdateTime: claim.writeTime });
      } catch (error) {
        if (codeOf(error) !== FAILED_PRECONDITION && codeOf(error) !== NOT_FOUND) throw error;
      }
    },
  };
}
