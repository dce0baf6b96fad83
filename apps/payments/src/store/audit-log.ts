import type { Firestore, Timestamp, Transaction } from '@google-cloud/firestore';
import { COLLECTIONS, defined } from './collections';

/** `payments_audit_log/{failure id}:{action}`: an operator's resolution, written with it. */
export interface AuditEntry {
  action: 'reconcile_failure.credit' | 'reconcile_failure.dismiss';
  operator: string;
  failure_id: string;
  payment_session_id: string;
  reason: string;
  at: Timestamp;
  ledger_transaction_id?: string;
  user_id?: string;
  amount_micros?: number;
  currency?: string;
  funding_account?: string;
}

export function auditLogStore(firestore: Firestore) {
  const collection = firestore.collection(COLLECTIONS.auditLog);
  return {
    /** One entry per failure and action: a failure is resolved once, so its id is deterministic. */
    create(tx: Transaction, entry: AuditEntry): void {
      const kind = entry.action.split('.')[1] ?? entry.action;
      tx.create(collection.doc(`${entry.failure_id}:${kind}`), defined({ ...entry }));
    },
    async forFailure(failureId: string): Promise<AuditEntry[]> {
      const snap = await collection.where('failure_id', '==', failureId).get();
      return snap.docs.map((doc) => doc.data() as AuditEntry);
    },
  };
}
export type AuditLogStore = ReturnType<typeof auditLogStore>;
