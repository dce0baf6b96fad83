import {
  type Allocation,
  type AllocationTransition,
  applyTransitions,
  type NewAllocation,
} from '@gpuaas/allocations';

export function newAllocation(overrides: Partial<NewAllocation> = {}): NewAllocation {
  return {
    allocation_id: 'alloc_unit',
    user_id: 'user-unit',
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
    requested_at: '2026-03-01T10:00:00.000Z',
    ...overrides,
  };
}

export function must(current: Allocation | undefined, ...steps: AllocationTransition[]) {
  const result = applyTransitions(current, steps);
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.rejection)}`);
  return result.allocation;
}

/** An allocation that went active at `startedAt`. */
export function activeAllocation(startedAt: string, overrides: Partial<NewAllocation> = {}) {
  const requested = newAllocation(overrides);
  return must(
    undefined,
    { kind: 'request', at: requested.requested_at, allocation: requested },
    { kind: 'start_provisioning', at: requested.requested_at },
    {
      kind: 'activate',
      at: startedAt,
      started_at: startedAt,
      instance: { provider: 'simulated', provider_instance_id: 'sim-1', region: 'us-central1' },
    },
  );
}
