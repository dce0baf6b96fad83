import type { PayloadOf } from '@gpuaas/contracts';
import { canonicalTimestamp } from '@gpuaas/contracts';
import { instantOf } from './instants';
import type { BillingStop, PriceSnapshot, RatingWindow } from './rating';

export type WindowState = 'awaiting_active' | 'open' | 'closed' | 'stopped';

/**
 * One allocation's usage window: opened by `provisioning.active` with its price snapshot, closed
 * by `releasing.completed`, stopped by `release_failed`. Events can arrive in any order, so a
 * window may exist before its `active` (`awaiting_active`), holding usage and close times.
 */
export interface UsageWindow {
  allocation_id: string;
  user_id: string;
  state: WindowState;
  price: PriceSnapshot | null;
  gpu_type: string | null;
  started_at: string | null;
  released_at: string | null;
  failed_at: string | null;
  /** Usage events held before `active`; the window's opening rates them. */
  held_usage_ids: string[];
}

type Active = PayloadOf<'gpuaas.provisioning.active'>;

/** Why an event leaves the window as it is (logged; the event is acknowledged). */
export type WindowIgnored = 'already_open' | 'already_closed' | 'already_stopped';

export type WindowChange = { next: UsageWindow } | { ignored: WindowIgnored };

const stateOf = (w: Omit<UsageWindow, 'state'>): WindowState =>
  w.price === null
    ? 'awaiting_active'
    : w.failed_at !== null
      ? 'stopped'
      : w.released_at !== null
        ? 'closed'
        : 'open';

function empty(allocationId: string, userId: string): UsageWindow {
  return {
    allocation_id: allocationId,
    user_id: userId,
    state: 'awaiting_active',
    price: null,
    gpu_type: null,
    started_at: null,
    released_at: null,
    failed_at: null,
    held_usage_ids: [],
  };
}

const settle = (w: UsageWindow): UsageWindow => ({ ...w, state: stateOf(w) });

/**
 * `provisioning.active`: the price snapshot and billing start; a second `active` changes nothing.
 * The increment is the snapshot's (`active` 1.1); a 1.0 `active` bills in `defaultIncrement`.
 */
export function openWindow(
  current: UsageWindow | undefined,
  active: Active,
  defaultIncrement: 1 | 60,
): WindowChange {
  const w = current ?? empty(active.allocation_id, active.user_id);
  if (w.price !== null) return { ignored: 'already_open' };
  return {
    next: settle({
      ...w,
      // `active` names the allocation's owner; usage held under another user is refused then.
      user_id: active.user_id,
      price: {
        price_id: active.price_id,
        rate_micros_per_gpu_hour: active.rate_micros_per_gpu_hour,
        currency: active.currency,
        gpu_count: active.gpu_count,
        billing_increment_seconds: active.billing_increment_seconds ?? defaultIncrement,
      },
      gpu_type: active.gpu_type,
      started_at: canonicalTimestamp(active.started_at),
    }),
  };
}

/** `releasing.completed`: the window closes at `released_at` (a final interval may still come). */
export function closeWindow(
  current: UsageWindow | undefined,
  event: { allocation_id: string; user_id: string; released_at: string },
): WindowChange {
  const w = current ?? empty(event.allocation_id, event.user_id);
  if (w.released_at !== null) return { ignored: 'already_closed' };
  return { next: settle({ ...w, released_at: canonicalTimestamp(event.released_at) }) };
}

/** `release_failed`: billing stops at `failed_at`. */
export function stopWindow(
  current: UsageWindow | undefined,
  event: { allocation_id: string; user_id: string; failed_at: string },
): WindowChange {
  const w = current ?? empty(event.allocation_id, event.user_id);
  if (w.failed_at !== null) return { ignored: 'already_stopped' };
  return { next: settle({ ...w, failed_at: canonicalTimestamp(event.failed_at) }) };
}

/** Usage before `active`: kept on the window until it opens. */
export function holdUsage(
  current: UsageWindow | undefined,
  usage: { resource_id: string; user_id: string; usage_event_id: string },
): UsageWindow {
  const w = current ?? empty(usage.resource_id, usage.user_id);
  if (w.held_usage_ids.includes(usage.usage_event_id)) return w;
  return { ...w, held_usage_ids: [...w.held_usage_ids, usage.usage_event_id] };
}

/** Where billing ends: the earlier of a failed release's `failed_at` and the release. */
export function billingStop(w: UsageWindow): BillingStop | null {
  const failed = w.failed_at === null ? null : instantOf(w.failed_at);
  const released = w.released_at === null ? null : instantOf(w.released_at);
  if (failed !== null && (released === null || failed <= released)) {
    return { at: failed, reason: 'release_failed' };
  }
  return released === null ? null : { at: released, reason: 'released' };
}

/** What rating needs, once the window has its price; null while awaiting `active`. */
export function ratingWindowOf(w: UsageWindow): RatingWindow | null {
  if (w.price === null || w.started_at === null) return null;
  return { startedAt: instantOf(w.started_at), price: w.price, stop: billingStop(w) };
}
