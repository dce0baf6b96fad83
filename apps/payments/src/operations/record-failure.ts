import { Timestamp, type Transaction } from '@google-cloud/firestore';
import type { Emit } from '@gpuaas/eventing';
import type { CheckoutSessionEvent } from '../domain/checkout-session';
import type { FailureDecision } from '../domain/reconcile';
import type { PaymentsStore } from '../store/payments-store';
import { failureId, type ReconcileFailureRecord } from '../store/reconcile-failures';

/**
 * Writes what did not reconcile: the failure for operators, the event's dedupe record, and
 * `reconcile_failed` (keyed `stripe_event_id:payment_session_id`), all in the caller's transaction.
 */
export function recordFailure(
  tx: Transaction,
  emit: Emit,
  store: PaymentsStore,
  session: CheckoutSessionEvent,
  failure: FailureDecision,
  now: Date,
): ReconcileFailureRecord {
  const id = failureId(session.eventId, session.sessionId);
  const emitted = emit('platform.payments.reconcile_failed', {
    stripe_event_id: session.eventId,
    payment_session_id: session.sessionId,
    stripe_event_type: session.eventType,
    ...(failure.userId !== undefined ? { user_id: failure.userId } : {}),
    reason_code: failure.reason,
    ...(failure.expectedAmountMicros !== undefined
      ? { expected_amount_micros: failure.expectedAmountMicros }
      : {}),
    ...(failure.observedAmountMicros !== undefined
      ? { observed_amount_micros: failure.observedAmountMicros }
      : {}),
    ...(failure.currency !== undefined ? { currency: failure.currency } : {}),
    detected_at: now.toISOString(),
  });
  const at = Timestamp.fromDate(now);
  const record: ReconcileFailureRecord = {
    failure_id: id,
    stripe_event_id: session.eventId,
    payment_session_id: session.sessionId,
    stripe_event_type: session.eventType,
    livemode: session.livemode,
    reason_code: failure.reason,
    detail: failure.detail,
    user_id: failure.userId,
    expected_amount_micros: failure.expectedAmountMicros,
    observed_amount_micros: failure.observedAmountMicros,
    currency: failure.currency,
    payment_intent_id: session.paymentIntentId,
    detected_at: at,
    status: 'open',
    event_id: emitted.event_id,
  };
  store.failures.create(tx, record);
  store.events.create(tx, session.eventId, {
    event_type: session.eventType,
    payment_session_id: session.sessionId,
    livemode: session.livemode,
    outcome: 'reconcile_failed',
    failure_id: id,
    received_at: at,
  });
  return record;
}
