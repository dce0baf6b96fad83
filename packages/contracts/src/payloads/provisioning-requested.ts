import { type Static, Type } from '@sinclair/typebox';
import { Count, Currency, Identifier, Rfc3339Utc } from '../primitives';

export const ProvisioningRequestedV1 = Type.Object({
  allocation_id: Identifier,
  user_id: Identifier,
  gpu_type: Identifier,
  gpu_count: Type.Integer({ minimum: 1 }),
  region: Type.Optional(Identifier),
  price_id: Identifier,
  rate_micros_per_gpu_hour: Count,
  currency: Currency,
  billing_increment_seconds: Type.Union([Type.Literal(1), Type.Literal(60)]),
  provisioning_timeout_seconds: Type.Integer({
    minimum: 1,
    description: 'orchestrator default 600',
  }),
  requested_at: Rfc3339Utc,
});
export type ProvisioningRequestedV1 = Static<typeof ProvisioningRequestedV1>;

export const ProvisioningRequested = ProvisioningRequestedV1;
export type ProvisioningRequested = ProvisioningRequestedV1;
