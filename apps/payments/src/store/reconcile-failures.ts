import type { Firestore, Query, Timestamp, Transaction } from '@google-cloud/firestore';
import type { ReconcileFailureReason } from '@gpuaas/contracts';
import { COLLECTIONS, defined } from './collections';

export type FailureStatus = 'open' | 'resolved' | 'dismissed';

/** How a failure was closed: by an operator (credit, dismiss) or by a later credit of its session. */
export interface FailureResolution {
  action: 'credit' | 'dismiss' | 'superseded';
  /** The operator's email, or `stripe_event:<id>` when a later event credited the session. */
  by: string;
  reason: string;
  resolved_at: Timestamp;
  ledger_transaction_id?: string;
  user_id?: string;
  amount_micros?: number;
  currency?: string;
  funding_account?: string;
  balance_after_micros?: number;
}

/** `payments_reconcile_failures/{stripe_event_id}:{payment_session_id}`. */
export interface ReconcileFailureRecord {
  failure_id: string;
  stripe_event_id: string;
  payment_session_id: string;
  stripe_event_type: string;
  livemode: boolean;
  reason_code: ReconcileFailureReason;
  detail: string;
  user_id?: string;
  expected_amount_micros?: number;
  observed_amount_micros?: number;
  currency?: string;
  payment_intent_id?: string;
  detected_at: Timestamp;
  status: FailureStatus;
  /** The `reconcile_failed` event committed with this record. */
  event_id: string;
  resolution?: FailureResolution;
}

/** The catalog's idempotency key of `reconcile_failed`, and the failure's id. */
export const failureId = (stripeEventId: string, sessionId: string): string =>
  `${stripeEventId}:${sessionId}`;

export function reconcileFailuresStore(firestore: Firestore) {
  const collection = firestore.collection(COLLECTIONS.reconcileFailures);
  const ref = (id: string) => collection.doc(id);
  return {
    ref,
    async read(tx: Transaction, id: string): Promise<ReconcileFailureRecord | undefined> {
      const snap = await tx.get(ref(id));
      return snap.exists ? (snap.data() as ReconcileFailureRecord) : undefined;
    },
    /** Open `not_paid` failures of a session: a later credit of the session supersedes them. */
    async readOpenNotPaid(tx: Transaction, sessionId: string): Promise<ReconcileFailureRecord[]> {
      const snap = await tx.get(collection.where('payment_session_id', '==', sessionId));
      return snap.docs
        .map((doc) => doc.data() as ReconcileFailureRecord)
        .filter((f) => f.status === 'open' && f.reason_code === 'not_paid');
    },
    create(tx: Transaction, record: ReconcileFailureRecord): void {
      tx.create(ref(record.failure_id), defined({ ...record }));
    },
    close(
      tx: Transaction,
      id: string,
      status: Exclude<FailureStatus, 'open'>,
      resolution: FailureResolution,
    ): void {
      tx.update(ref(id), { status, resolution: defined({ ...resolution }) });
    },
    /** Newest first; filtered by status when given (index: status, detected_at desc). */
    listQuery(status: FailureStatus | undefined): Query {
      return status ? collection.where('status', '==', status) : collection;
    },
    async get(id: string): Promise<ReconcileFailureRecord | undefined> {
      const snap = await ref(id).get();
      return snap.exists ? (snap.data() as ReconcileFailureRecord) : undefined;
    },
  };
}
export type ReconcileFailuresStore = ReturnType<typeof reconcileFailuresStore>;
