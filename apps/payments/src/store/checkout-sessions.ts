import type { Firestore, Timestamp, Transaction } from '@google-cloud/firestore';
import { COLLECTIONS, defined } from './collections';

/** Who credited a session: one of its Stripe events, or an operator resolving a failure. */
export type CreditedBy =
  | { kind: 'stripe_event'; stripe_event_id: string }
  | { kind: 'operator'; operator: string; failure_id: string };

/** `payments_checkout_sessions/{session id}`: a credited session; it is credited once. */
export interface CheckoutSessionRecord {
  user_id: string;
  amount_micros: number;
  currency: string;
  stripe_event_id: string;
  ledger_transaction_id: string;
  credited_by: CreditedBy;
  credited_at: Timestamp;
}

export function checkoutSessionsStore(firestore: Firestore) {
  const ref = (sessionId: string) =>
    firestore.collection(COLLECTIONS.checkoutSessions).doc(sessionId);
  return {
    async read(tx: Transaction, sessionId: string): Promise<CheckoutSessionRecord | undefined> {
      const snap = await tx.get(ref(sessionId));
      return snap.exists ? (snap.data() as CheckoutSessionRecord) : undefined;
    },
    /** `create`: the two events of one session racing cannot both commit a credit. */
    create(tx: Transaction, sessionId: string, record: CheckoutSessionRecord): void {
      tx.create(ref(sessionId), defined({ ...record }));
    },
    async get(sessionId: string): Promise<CheckoutSessionRecord | undefined> {
      const snap = await ref(sessionId).get();
      return snap.exists ? (snap.data() as CheckoutSessionRecord) : undefined;
    },
  };
}
export type CheckoutSessionsStore = ReturnType<typeof checkoutSessionsStore>;
