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

/**
 * 1.1 adds the increment of the price snapshot, so billing rates the window in the increment
 * the allocation was offered at (`provisioning.requested` has it; 1.0 left it out).
 */
export const ProvisioningActiveV1_1 = Type.Object({
  ...ProvisioningActiveV1.properties,
  billing_increment_seconds: Type.Optional(
    Type.Union([Type.Literal(1), Type.Literal(60)], {
      description:
        'the billing increment of the price snapshot; absent (1.0): the consumer’s default',
    }),
  ),
});
export type ProvisioningActiveV1_1 = Static<typeof ProvisioningActiveV1_1>;

export const ProvisioningActive = ProvisioningActiveV1_1;
export type ProvisioningActive = ProvisioningActiveV1_1;
