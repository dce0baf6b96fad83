import type { Firestore } from '@google-cloud/firestore';
import { auditLogStore } from './audit-log';
import { checkoutSessionsStore } from './checkout-sessions';
import { reconcileFailuresStore } from './reconcile-failures';
import { stripeEventsStore } from './stripe-events';

/** Every collection of the service, on one Firestore client. */
export function createPaymentsStore(firestore: Firestore) {
  return {
    events: stripeEventsStore(firestore),
    sessions: checkoutSessionsStore(firestore),
    failures: reconcileFailuresStore(firestore),
    audit: auditLogStore(firestore),
  };
}
export type PaymentsStore = ReturnType<typeof createPaymentsStore>;
