import {
  Currency,
  ReconcileFailureReason,
  Rfc3339Utc,
  StringEnum,
  StripeCheckoutSessionId,
  StripeEventId,
} from '@gpuaas/contracts';
import { UserId } from '@gpuaas/http-api';
import { type Static, Type } from '@sinclair/typebox';

export const FailureStatus = StringEnum(['open', 'resolved', 'dismissed']);
export type FailureStatus = Static<typeof FailureStatus>;

export const FundingAccount = StringEnum(['stripe_clearing', 'credit_grants']);
export type FundingAccount = Static<typeof FundingAccount>;

export const FailureIdParams = Type.Object({
  failure_id: Type.String({
    pattern: '^evt_[A-Za-z0-9_]+:cs_[A-Za-z0-9_]+$',
    description: '`stripe_event_id:payment_session_id`',
  }),
});

export const FailureResolution = Type.Object(
  {
    action: StringEnum(['credit', 'dismiss', 'superseded']),
    by: Type.String({ description: "The operator's email, or `stripe_event:<id>`" }),
    reason: Type.String(),
    resolved_at: Rfc3339Utc,
    ledger_transaction_id: Type.Optional(Type.String()),
    user_id: Type.Optional(Type.String()),
    amount_micros: Type.Optional(Type.Integer()),
    currency: Type.Optional(Currency),
    funding_account: Type.Optional(Type.String()),
    balance_after_micros: Type.Optional(Type.Integer()),
  },
  { $id: 'FailureResolution', additionalProperties: false },
);
export type FailureResolution = Static<typeof FailureResolution>;

export const ReconcileFailure = Type.Object(
  {
    failure_id: Type.String(),
    stripe_event_id: StripeEventId,
    payment_session_id: StripeCheckoutSessionId,
    stripe_event_type: Type.String(),
    livemode: Type.Boolean(),
    reason_code: ReconcileFailureReason,
    detail: Type.String(),
    user_id: Type.Optional(Type.String()),
    expected_amount_micros: Type.Optional(Type.Integer()),
    observed_amount_micros: Type.Optional(Type.Integer()),
    currency: Type.Optional(Currency),
    payment_intent_id: Type.Optional(Type.String()),
    detected_at: Rfc3339Utc,
    status: FailureStatus,
    /** The `reconcile_failed` event recorded with it. */
    event_id: Type.String(),
    resolution: Type.Optional(FailureResolution),
  },
  { $id: 'ReconcileFailure', additionalProperties: false },
);
export type ReconcileFailure = Static<typeof ReconcileFailure>;

export const AuditEntry = Type.Object(
  {
    action: Type.String(),
    operator: Type.String(),
    reason: Type.String(),
    at: Rfc3339Utc,
    ledger_transaction_id: Type.Optional(Type.String()),
    user_id: Type.Optional(Type.String()),
    amount_micros: Type.Optional(Type.Integer()),
    currency: Type.Optional(Currency),
    funding_account: Type.Optional(Type.String()),
  },
  { $id: 'PaymentsAuditEntry', additionalProperties: false },
);
export type AuditEntry = Static<typeof AuditEntry>;

export const ReconcileFailureDetail = Type.Object(
  { failure: ReconcileFailure, audit: Type.Array(AuditEntry) },
  { $id: 'ReconcileFailureDetail', additionalProperties: false },
);

export const Reason = Type.String({ minLength: 1, maxLength: 1000 });

export const ManualCreditRequest = Type.Object(
  {
    reason: Reason,
    user_id: Type.Optional(UserId),
    amount_micros: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
    currency: Type.Optional(Currency),
    funding_account: Type.Optional(FundingAccount),
  },
  { $id: 'ManualCreditRequest', additionalProperties: false },
);
export type ManualCreditRequest = Static<typeof ManualCreditRequest>;

export const DismissRequest = Type.Object(
  { reason: Reason },
  { $id: 'DismissRequest', additionalProperties: false },
);
