import { type Static, Type } from '@sinclair/typebox';
import { Currency, Identifier, Rfc3339Utc } from '../primitives';

export const BillingBalanceDepletedV1 = Type.Object({
  user_id: Identifier,
  depleted_at: Rfc3339Utc,
  balance_micros: Type.Integer({ maximum: 0 }),
  currency: Currency,
  active_allocation_ids: Type.Array(Identifier),
});
export type BillingBalanceDepletedV1 = Static<typeof BillingBalanceDepletedV1>;

export const BillingBalanceDepleted = BillingBalanceDepletedV1;
export type BillingBalanceDepleted = BillingBalanceDepletedV1;
