import { canonicalTimestamp, type ProvisioningRequested } from '@gpuaas/contracts';
import type { Allocation, NewAllocation } from './allocation';

/** The allocation a `gpuaas.provisioning.requested` describes (the worker creates it if missing). */
export function allocationOfRequested(payload: ProvisioningRequested): NewAllocation {
  return {
    allocation_id: payload.allocation_id,
    user_id: payload.user_id,
    gpu_type: payload.gpu_type,
    gpu_count: payload.gpu_count,
    region: payload.region ?? null,
    price: {
      price_id: payload.price_id,
      rate_micros_per_gpu_hour: payload.rate_micros_per_gpu_hour,
      currency: payload.currency,
      billing_increment_seconds: payload.billing_increment_seconds,
    },
    provisioning_timeout_seconds: payload.provisioning_timeout_seconds,
    requested_at: payload.requested_at,
  };
}

/** The `gpuaas.provisioning.requested` payload of an allocation, as the orchestrator emits it. */
export function requestedPayloadOf(allocation: Allocation): ProvisioningRequested {
  return {
    allocation_id: allocation.allocation_id,
    user_id: allocation.user_id,
    gpu_type: allocation.gpu_type,
    gpu_count: allocation.gpu_count,
    ...(allocation.region === null ? {} : { region: allocation.region }),
    price_id: allocation.price.price_id,
    rate_micros_per_gpu_hour: allocation.price.rate_micros_per_gpu_hour,
    currency: allocation.price.currency,
    billing_increment_seconds: allocation.price.billing_increment_seconds,
    provisioning_timeout_seconds: allocation.provisioning_timeout_seconds,
    requested_at: canonicalTimestamp(allocation.requested_at),
  };
}
