import { type Static, Type } from '@sinclair/typebox';
import { Currency, Identifier, Micros, Rfc3339Utc } from '../primitives';

export const StripeEventId = Type.String({ pattern: '^evt_[A-Za-z0-9_]+$' });
export const StripeCheckoutSessionId = Type.String({ pattern: '^cs_[A-Za-z0-9_]+$' });
export const StripePaymentIntentId = Type.String({ pattern: '^pi_[A-Za-z0-9_]+$' });

export const PaymentsBalanceCreditedV1 = Type.Object({
  stripe_event_id: StripeEventId,
  payment_session_id: StripeCheckoutSessionId,
  payment_intent_id: Type.Optional(StripePaymentIntentId),
  user_id: Identifier,
  amount_micros: Type.Integer({ minimum: 1 }),
  currency: Currency,
  ledger_transaction_id: Identifier,
  balance_after_micros: Micros,
  livemode: Type.Boolean(),
  credited_at: Rfc3339Utc,
});
export type PaymentsBalanceCreditedV1 = Static<typeof PaymentsBalanceCreditedV1>;

export const PaymentsBalanceCredited = PaymentsBalanceCreditedV1;
export type PaymentsBalanceCredited = PaymentsBalanceCreditedV1;
