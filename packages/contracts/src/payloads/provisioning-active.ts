import { type Static, Type } from '@sinclair/typebox';
import { Count, Currency, Identifier } from '../primitives';

export const ProvisioningActiveV1 = Type.Object({
  allocation_id: Identifier,
  user_id: Identifier,
  gpu_type: Identifier,
  gpu_count: Type.Integer({ minimum: 1 }),
  provider: Identifier,
  provider_instance_id: Identifier,
  region: Identifier,
  price_id: Identifier,
  rate_micros_per_gpu_hour: Count,
  currency: Currency,
  started_at: Type.String({
    format: 'date-time',
    description: 'health check passed: the usage window opens and billing starts',
  }),
});
export type ProvisioningActiveV1 = Static<typeof ProvisioningActiveV1>;

export const ProvisioningActive = ProvisioningActiveV1;
export type ProvisioningActive = ProvisioningActiveV1;
