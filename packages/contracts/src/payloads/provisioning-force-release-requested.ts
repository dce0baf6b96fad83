import { type Static, Type } from '@sinclair/typebox';
import { Currency, Identifier, Rfc3339Utc } from '../primitives';

export const ProvisioningForceReleaseRequestedV1 = Type.Object({
  user_id: Identifier,
  window_id: Type.String({ minLength: 1, description: 'depletion episode id' }),
  reason: Type.Literal('balance_depleted'),
  depleted_at: Rfc3339Utc,
  balance_micros: Type.Integer({ maximum: 0 }),
  currency: Currency,
  allocation_ids: Type.Array(Identifier, {
    description: 'snapshot only: the worker must still query for late starters',
  }),
  requested_at: Rfc3339Utc,
});
export type ProvisioningForceReleaseRequestedV1 = Static<
  typeof ProvisioningForceReleaseRequestedV1
>;

export const ProvisioningForceReleaseRequested = ProvisioningForceReleaseRequestedV1;
export type ProvisioningForceReleaseRequested = ProvisioningForceReleaseRequestedV1;
