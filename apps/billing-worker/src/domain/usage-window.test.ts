import { describe, expect, it } from 'vitest';
import { instantOf } from './instants';
import { isRejection, rateUsage, rejectionOf, type Usage, type UsageLine } from './usage-line';
import {
  billingStop,
  closeWindow,
  holdUsage,
  openWindow,
  stopWindow,
  type UsageWindow,
} from './usage-window';

const activePayload = {
  allocation_id: 'alloc-1',
  user_id: 'user-1',
  gpu_type: 'h100',
  gpu_count: 2,
  provider: 'sim',
  provider_instance_id: 'i-1',
  region: 'r',
  price_id: 'price-1',
  rate_micros_per_gpu_hour: 3_600_000,
  currency: 'USD',
  started_at: '2026-01-01T00:00:00.000Z',
};
const usage = (start: string, end: string, overrides: Partial<Usage> = {}): Usage => ({
  usage_event_id: `alloc-1:${start}`,
  user_id: 'user-1',
  product_code: 'gpu',
  resource_id: 'alloc-1',
  sku: 'h100',
  unit: 'gpu_second',
  quantity: 120,
  interval_start: start,
  interval_end: end,
  is_final: false,
  ...overrides,
});
const opened = (): UsageWindow => {
  const change = openWindow(undefined, activePayload, 60);
  if (!('next' in change)) throw new Error('not opened');
  return change.next;
};

describe('usage windows', () => {
  it('opens with the price snapshot, once', () => {
    const w = opened();
    expect(w).toMatchObject({
      state: 'open',
      started_at: '2026-01-01T00:00:00Z',
      price: { rate_micros_per_gpu_hour: 3_600_000, gpu_count: 2, billing_increment_seconds: 60 },
    });
    expect(openWindow(w, { ...activePayload, rate_micros_per_gpu_hour: 1 }, 60)).toEqual({
      ignored: 'already_open',
    });
  });

  it('bills in the increment of the snapshot (active 1.1); a 1.0 active, in the default', () => {
    const perSecond = openWindow(undefined, { ...activePayload, billing_increment_seconds: 1 }, 60);
    if (!('next' in perSecond)) throw new Error('not opened');
    expect(perSecond.next.price?.billing_increment_seconds).toBe(1);
    const interval = usage('2026-01-01T00:00:00Z', '2026-01-01T00:00:30.5Z');
    // 30.5 s of 2 GPUs at 3.6 USD per GPU-hour (2,000 micros a second): 31 s, not a minute.
    expect(rateUsage(interval, perSecond.next, false)).toMatchObject({
      billed_seconds: 31,
      amount_micros: 62_000,
      billing_increment_seconds: 1,
    });
    expect(rateUsage(interval, opened(), false)).toMatchObject({
      billed_seconds: 60,
      amount_micros: 120_000,
    });
    expect(opened().price?.billing_increment_seconds).toBe(60);
  });

  it('holds usage before active and keeps it, and the close times, when it opens', () => {
    const held = holdUsage(undefined, usage('2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z'));
    expect(held.state).toBe('awaiting_active');
    expect(holdUsage(held, usage('2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z'))).toBe(held);
    const closed = closeWindow(held, { ...activePayload, released_at: '2026-01-01T00:05:00Z' });
    if (!('next' in closed)) throw new Error('not closed');
    expect(closed.next.state).toBe('awaiting_active');
    const open = openWindow(closed.next, activePayload, 60);
    if (!('next' in open)) throw new Error('not opened');
    expect(open.next).toMatchObject({ state: 'closed', held_usage_ids: held.held_usage_ids });
  });

  it('stops at the earlier of failed_at and released_at', () => {
    const stopped = stopWindow(opened(), { ...activePayload, failed_at: '2026-01-01T00:10:00Z' });
    if (!('next' in stopped)) throw new Error('not stopped');
    expect(stopped.next.state).toBe('stopped');
    expect(billingStop(stopped.next)).toEqual({
      at: instantOf('2026-01-01T00:10:00Z'),
      reason: 'release_failed',
    });
    expect(
      stopWindow(stopped.next, { ...activePayload, failed_at: '2026-01-01T00:11:00Z' }),
    ).toEqual({ ignored: 'already_stopped' });
  });
});

describe('rated usage lines', () => {
  it('carries the price snapshot and the charge', () => {
    const line = rateUsage(
      usage('2026-01-01T00:00:00Z', '2026-01-01T00:00:30.5Z'),
      opened(),
      false,
    );
    expect(line).toMatchObject({
      usage_event_id: 'alloc-1:2026-01-01T00:00:00Z',
      line_id: expect.stringMatching(/^rul_[0-9a-f]{32}$/),
      price_id: 'price-1',
      billed_seconds: 60,
      amount_micros: 120_000,
      rounding: 'ceil',
      currency: 'USD',
      status: 'charged',
      ledger_transaction_id: 'alloc-1:2026-01-01T00:00:00Z',
      charged_until: '2026-01-01T00:00:30.5Z',
    } satisfies Partial<UsageLine>);
  });

  it('is null while the window awaits active', () => {
    const held = holdUsage(undefined, usage('2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z'));
    expect(
      rateUsage(usage('2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z'), held, false),
    ).toBeNull();
  });

  it('refuses what can never be charged', () => {
    const w = opened();
    const ok = usage('2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z');
    expect(rejectionOf(ok, w)).toBeNull();
    expect(rejectionOf({ ...ok, product_code: 'storage' }, w)?.reason).toBe('unsupported_product');
    expect(rejectionOf({ ...ok, user_id: 'user-2' }, w)?.reason).toBe('user_mismatch');
    expect(rejectionOf({ ...ok, usage_event_id: 'has space' }, w)?.reason).toBe(
      'usage_event_id_invalid',
    );
    expect(rejectionOf(usage('2026-01-01T00:01:00Z', '2026-01-01T00:00:00Z'), w)?.reason).toBe(
      'interval_reversed',
    );
    const huge = {
      ...w,
      price: {
        ...(w.price as NonNullable<UsageWindow['price']>),
        rate_micros_per_gpu_hour: Number.MAX_SAFE_INTEGER,
      },
    };
    const line = rateUsage(usage('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'), huge, false);
    expect(line && isRejection(line) && line.reason).toBe('amount_out_of_range');
  });
});
