import { type Static, Type } from '@sinclair/typebox';
import { Count, Currency, Identifier, Micros, Rfc3339Utc } from '../primitives';

export const BillingLowBalanceWarningV1 = Type.Object({
  user_id: Identifier,
  threshold_window: Type.String({
    minLength: 1,
    description: 'low-balance episode id (the transition timestamp): one warning per episode',
  }),
  balance_micros: Micros,
  threshold_micros: Count,
  currency: Currency,
  burn_rate_micros_per_hour: Count,
  projected_depletion_at: Type.Union([Rfc3339Utc, Type.Null()], {
    description: 'null when the burn rate is 0',
  }),
  crossed_at: Rfc3339Utc,
});
export type BillingLowBalanceWarningV1 = Static<typeof BillingLowBalanceWarningV1>;

export const BillingLowBalanceWarning = BillingLowBalanceWarningV1;
export type BillingLowBalanceWarning = BillingLowBalanceWarningV1;
