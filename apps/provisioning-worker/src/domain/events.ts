import type { Allocation } from '@gpuaas/allocations';
import {
  type BillingUsageMetered,
  canonicalTimestamp,
  type EventType,
  type PayloadOf,
  type ProvisioningActive,
  type ProvisioningFailed,
  type ProvisioningReleaseFailed,
  type ProvisioningReleasingCompleted,
  usageEventId,
} from '@gpuaas/contracts';
import { intervalBetween } from './metering';

/** One event a transition causes, ready for `emit`. */
export type OutgoingEvent = {
  [E in EventType]: { eventType: E; payload: PayloadOf<E> };
}[EventType];

const canonical = (instant: string) => canonicalTimestamp(instant);

function instanceOf(a: Allocation) {
  if (!a.instance) throw new Error(`allocation ${a.allocation_id} has no instance`);
  return a.instance;
}

export function activePayload(a: Allocation): ProvisioningActive {
  const instance = instanceOf(a);
  return {
    allocation_id: a.allocation_id,
    user_id: a.user_id,
    gpu_type: a.gpu_type,
    gpu_count: a.gpu_count,
    provider: instance.provider,
    provider_instance_id: instance.provider_instance_id,
    region: instance.region,
    price_id: a.price.price_id,
    rate_micros_per_gpu_hour: a.price.rate_micros_per_gpu_hour,
    currency: a.price.currency,
    billing_increment_seconds: a.price.billing_increment_seconds,
    started_at: canonical(a.started_at as string),
  };
}

export function failedPayload(a: Allocation): ProvisioningFailed {
  const failure = a.failure;
  if (!failure) throw new Error(`allocation ${a.allocation_id} has no failure`);
  return {
    allocation_id: a.allocation_id,
    user_id: a.user_id,
    failed_at: canonical(failure.failed_at),
    reason_code: failure.reason_code,
    reason_message: failure.reason_message,
    reason_hash: failure.reason_hash,
    attempts: failure.attempts,
    retryable: failure.retryable,
    ...(failure.provider_instance_id ? { provider_instance_id: failure.provider_instance_id } : {}),
  };
}

export function releasingCompletedPayload(a: Allocation): ProvisioningReleasingCompleted {
  const releasedAt = a.released_at as string;
  return {
    allocation_id: a.allocation_id,
    user_id: a.user_id,
    provider_instance_id: instanceOf(a).provider_instance_id,
    // A cancelled provisioning never opened a window: it opens and closes at once.
    started_at: canonical(a.started_at ?? releasedAt),
    released_at: canonical(releasedAt),
    billable_seconds: a.billable_seconds ?? 0,
    release_reason: a.release?.reason ?? 'admin',
  };
}

export function releaseFailedPayload(a: Allocation): ProvisioningReleaseFailed {
  const release = a.release;
  if (!release) throw new Error(`allocation ${a.allocation_id} has no release`);
  return {
    allocation_id: a.allocation_id,
    user_id: a.user_id,
    provider_instance_id: instanceOf(a).provider_instance_id,
    first_attempt_at: canonical(release.first_attempt_at ?? release.began_at),
    failed_at: canonical(a.release_failed_at as string),
    attempts: Math.max(1, release.attempts),
    last_error_code: release.last_error_code ?? 'unknown',
    last_error_hash: release.last_error_hash ?? '0'.repeat(64),
    requires_admin: true,
  };
}

export function meteredPayload(
  a: Allocation,
  start: string,
  end: string,
  isFinal: boolean,
): BillingUsageMetered {
  const interval = intervalBetween(start, end);
  return {
    usage_event_id: usageEventId(a.allocation_id, canonical(interval.start)),
    user_id: a.user_id,
    product_code: 'gpu',
    resource_id: a.allocation_id,
    sku: a.gpu_type,
    unit: 'gpu_second',
    quantity: interval.seconds * a.gpu_count,
    interval_start: canonical(interval.start),
    interval_end: canonical(interval.end),
    is_final: isFinal,
    dimensions: {
      region: a.instance?.region ?? a.region ?? 'unknown',
      provider: a.instance?.provider ?? 'unknown',
    },
  };
}

/**
 * The events a committed transition causes, derived from the state before and after — so every
 * writer in the worker emits the same events for the same change, and a no-op emits nothing.
 */
export function eventsOf(before: Allocation | undefined, after: Allocation): OutgoingEvent[] {
  const events: OutgoingEvent[] = [];
  const entered = (status: Allocation['status']) =>
    after.status === status && before?.status !== status;
  if (entered('active')) {
    events.push({ eventType: 'gpuaas.provisioning.active', payload: activePayload(after) });
  }
  if (entered('failed')) {
    events.push({ eventType: 'gpuaas.provisioning.failed', payload: failedPayload(after) });
  }
  const closing = entered('released') && after.resolution === null;
  if (closing) {
    events.push({
      eventType: 'gpuaas.provisioning.releasing.completed',
      payload: releasingCompletedPayload(after),
    });
  }
  if (entered('release_failed')) {
    events.push({
      eventType: 'gpuaas.provisioning.release_failed',
      payload: releaseFailedPayload(after),
    });
  }
  // Usage: what metered_until moved over; the interval that closes the window is the final one.
  const from = before?.metered_until ?? null;
  const final = closing || entered('release_failed');
  if (from !== null && after.metered_until !== null && after.started_at !== null) {
    const moved = after.metered_until !== from;
    if (moved || final) {
      events.push({
        eventType: 'platform.billing.usage.metered',
        payload: meteredPayload(after, from, after.metered_until, final),
      });
    }
  }
  return events;
}
