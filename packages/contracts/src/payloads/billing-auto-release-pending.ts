import { type Static, Type } from '@sinclair/typebox';
import { Count, Currency, Identifier, Micros } from '../primitives';

export const BillingAutoReleasePendingV1 = Type.Object({
  user_id: Identifier,
  balance_micros: Micros,
  currency: Currency,
  burn_rate_micros_per_hour: Type.Integer({ minimum: 1 }),
  projected_depletion_at: Type.String({
    format: 'date-time',
    // Part of the idempotency key: an unfloored estimate drifts and would re-notify every tick.
    pattern: ':00(\\.0+)?Z$',
    description: 'floored to the minute',
  }),
  lead_seconds: Count,
  active_allocation_ids: Type.Array(Identifier),
});
export type BillingAutoReleasePendingV1 = Static<typeof BillingAutoReleasePendingV1>;

export const BillingAutoReleasePending = BillingAutoReleasePendingV1;
export type BillingAutoReleasePending = BillingAutoReleasePendingV1;
