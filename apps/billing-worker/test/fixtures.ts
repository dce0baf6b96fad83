import { randomUUID } from 'node:crypto';
import { type PayloadOf, usageEventId } from '@gpuaas/contracts';

export type Active = PayloadOf<'gpuaas.provisioning.active'>;
export type Usage = PayloadOf<'platform.billing.usage.metered'>;

export const T0 = '2026-04-01T08:00:00Z';
export const at = (seconds: number, base = T0): string =>
  new Date(Date.parse(base) + seconds * 1000).toISOString();

export const uid = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export function active(
  overrides: Partial<Active> & { allocation_id: string; user_id: string },
): Active {
  return {
    gpu_type: 'h100',
    gpu_count: 1,
    provider: 'simulated',
    provider_instance_id: `inst-${overrides.allocation_id}`,
    region: 'europe-west4',
    price_id: 'price_h100_std',
    rate_micros_per_gpu_hour: 3_600_000,
    currency: 'USD',
    started_at: T0,
    ...overrides,
  };
}

/** A usage interval of `[start, end)` seconds after `started`, as the provisioning worker meters it. */
export function usage(
  window: Pick<Active, 'allocation_id' | 'user_id' | 'gpu_type' | 'gpu_count'> & {
    started_at?: string;
  },
  startSeconds: number,
  endSeconds: number,
  overrides: Partial<Usage> = {},
): Usage {
  const base = window.started_at ?? T0;
  const interval_start = at(startSeconds, base);
  return {
    usage_event_id: usageEventId(window.allocation_id, interval_start),
    user_id: window.user_id,
    product_code: 'gpu',
    resource_id: window.allocation_id,
    sku: window.gpu_type,
    unit: 'gpu_second',
    quantity: (endSeconds - startSeconds) * window.gpu_count,
    interval_start,
    interval_end: at(endSeconds, base),
    is_final: false,
    ...overrides,
  };
}

export function releasingCompleted(
  a: Active,
  releasedSeconds: number,
): PayloadOf<'gpuaas.provisioning.releasing.completed'> {
  return {
    allocation_id: a.allocation_id,
    user_id: a.user_id,
    provider_instance_id: a.provider_instance_id,
    started_at: a.started_at,
    released_at: at(releasedSeconds, a.started_at),
    billable_seconds: releasedSeconds,
    release_reason: 'user_requested',
  };
}

export function releaseFailed(
  a: Active,
  failedSeconds: number,
): PayloadOf<'gpuaas.provisioning.release_failed'> {
  return {
    allocation_id: a.allocation_id,
    user_id: a.user_id,
    provider_instance_id: a.provider_instance_id,
    first_attempt_at: at(failedSeconds - 900, a.started_at),
    failed_at: at(failedSeconds, a.started_at),
    attempts: 30,
    last_error_code: 'provider_timeout',
    last_error_hash: 'a'.repeat(64),
    requires_admin: true,
  };
}
