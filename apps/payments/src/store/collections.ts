/** The service's Firestore collections (the ledger's and the registry's are their packages'). */
export const COLLECTIONS = {
  /** `{stripe event id}`: one per Stripe event processed, whatever its outcome. */
  stripeEvents: 'payments_stripe_events',
  /** `{checkout session id}`: one per credited session; its existence is the session dedupe. */
  checkoutSessions: 'payments_checkout_sessions',
  /** `{stripe_event_id}:{payment_session_id}`: what did not reconcile, until an operator resolves it. */
  reconcileFailures: 'payments_reconcile_failures',
  /** `{failure id}:{action}`: who resolved which failure, how and why. */
  auditLog: 'payments_audit_log',
} as const;

/** Firestore refuses `undefined` fields: optional ones are left out instead. */
export function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
