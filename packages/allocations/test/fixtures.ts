import type { NewAllocation } from '../src/allocation';
import type { InstanceRef } from '../src/transition';

export const T0 = '2026-03-01T10:00:00.000Z';

/** An instant `seconds` after T0 (fractions allowed). */
export const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

export function newAllocation(overrides: Partial<NewAllocation> = {}): NewAllocation {
  return {
    allocation_id: 'alloc_1',
    user_id: 'user-1',
    gpu_type: 'h100',
    gpu_count: 2,
    region: null,
    price: {
      price_id: 'price_h100_v1',
      rate_micros_per_gpu_hour: 2_990_000,
      currency: 'USD',
      billing_increment_seconds: 1,
    },
    provisioning_timeout_seconds: 600,
    requested_at: T0,
    ...overrides,
  };
}

export const instance = (id = 'sim-1'): InstanceRef => ({
  provider: 'simulated',
  provider_instance_id: id,
  region: 'us-central1',
});
