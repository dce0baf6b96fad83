import { type Static, Type } from '@sinclair/typebox';
import { Currency, Identifier, Micros, Rfc3339Utc, StringEnum } from '../primitives';
import { StripeCheckoutSessionId, StripeEventId } from './payments-balance-credited';

export const ReconcileFailureReason = StringEnum([
  'missing_user',
  'unknown_user',
  'amount_mismatch',
  'currency_mismatch',
  'not_paid',
  'livemode_mismatch',
  'already_credited_conflict',
  'ledger_post_failed',
]);
export type ReconcileFailureReason = Static<typeof ReconcileFailureReason>;

export const PaymentsReconcileFailedV1 = Type.Object({
  stripe_event_id: StripeEventId,
  payment_session_id: StripeCheckoutSessionId,
  stripe_event_type: Identifier,
  user_id: Type.Optional(Identifier),
  reason_code: ReconcileFailureReason,
  expected_amount_micros: Type.Optional(Micros),
  observed_amount_micros: Type.Optional(Micros),
  currency: Type.Optional(Currency),
  detected_at: Rfc3339Utc,
});
export type PaymentsReconcileFailedV1 = Static<typeof PaymentsReconcileFailedV1>;

export const PaymentsReconcileFailed = PaymentsReconcileFailedV1;
export type PaymentsReconcileFailed = PaymentsReconcileFailedV1;
