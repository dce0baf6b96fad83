import type { Firestore, Timestamp, Transaction } from '@google-cloud/firestore';
import { COLLECTIONS, defined } from './collections';

export type StripeEventOutcome = 'credited' | 'already_credited' | 'reconcile_failed';

/** `payments_stripe_events/{event id}`: the event dedupe, created with the outcome's writes. */
export interface StripeEventRecord {
  event_type: string;
  payment_session_id: string;
  livemode: boolean;
  outcome: StripeEventOutcome;
  ledger_transaction_id?: string;
  failure_id?: string;
  received_at: Timestamp;
}

export function stripeEventsStore(firestore: Firestore) {
  const ref = (eventId: string) => firestore.collection(COLLECTIONS.stripeEvents).doc(eventId);
  return {
    async read(tx: Transaction, eventId: string): Promise<StripeEventRecord | undefined> {
      const snap = await tx.get(ref(eventId));
      return snap.exists ? (snap.data() as StripeEventRecord) : undefined;
    },
    /** `create`: a concurrent delivery of the same event fails its commit instead of overwriting. */
    create(tx: Transaction, eventId: string, record: StripeEventRecord): void {
      tx.create(ref(eventId), defined({ ...record }));
    },
    async get(eventId: string): Promise<StripeEventRecord | undefined> {
      const snap = await ref(eventId).get();
      return snap.exists ? (snap.data() as StripeEventRecord) : undefined;
    },
  };
}
export type StripeEventsStore = ReturnType<typeof stripeEventsStore>;
