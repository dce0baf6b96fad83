import { msOf } from '@gpuaas/allocations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerHarness } from './harness';

describe('provisioning through push', () => {
  let h: WorkerHarness;
  beforeAll(async () => {
    h = await WorkerHarness.start();
  });
  afterAll(() => h.close());

  it('takes a request to active: one allocation, one instance, one active event', async () => {
    const payload = h.requested();
    await h.publish('gpuaas.provisioning.requested', payload);
    const active = await h.waitForEvent('gpuaas.provisioning.active', payload.allocation_id);
    const allocation = await h.waitForStatus(payload.allocation_id, 'active');
    const [instance] = h.instancesOf(payload.allocation_id);
    expect(active).toMatchObject({
      allocation_id: payload.allocation_id,
      user_id: 'user-a',
      provider: 'simulated',
      provider_instance_id: instance?.instanceId,
      region: 'us-central1',
      price_id: 'price_h100_v1',
      // The request's price snapshot, increment included: billing rates in it.
      rate_micros_per_gpu_hour: 2_990_000,
      billing_increment_seconds: 1,
      started_at: allocation.started_at?.replace('.000Z', 'Z'),
    });
    // The window opens on the whole second of the health check.
    expect(msOf(allocation.started_at as string)).toBe(
      Math.floor(msOf(instance?.readyAt as string) / 1000) * 1000,
    );
    expect(allocation).toMatchObject({ metered_until: allocation.started_at, version: 4 });
  });

  it('applies the same requested delivered three times at once exactly once', async () => {
    const payload = h.requested();
    await Promise.all([1, 2, 3].map(() => h.publish('gpuaas.provisioning.requested', payload)));
    await h.waitForEvent('gpuaas.provisioning.active', payload.allocation_id);
    await expect
      .poll(() => {
        const d = h.deliveries('gpuaas.provisioning.requested');
        return (d.duplicate ?? 0) + (d.retry ?? 0);
      })
      .toBeGreaterThanOrEqual(2);
    // Sequential redeliveries of the applied event are duplicates too.
    const before = h.deliveries('gpuaas.provisioning.requested').duplicate ?? 0;
    await h.publish('gpuaas.provisioning.requested', payload);
    await expect
      .poll(() => h.deliveries('gpuaas.provisioning.requested').duplicate ?? 0)
      .toBe(before + 1);
    expect(h.instancesOf(payload.allocation_id)).toHaveLength(1);
    expect(h.events('gpuaas.provisioning.active', payload.allocation_id)).toHaveLength(1);
  });

  it('makes no second instance when a delivery fails after its create', async () => {
    const payload = h.requested();
    // The health check's first read is lost in transit: the delivery answers 503 and is redelivered.
    h.provider.failGets = 1;
    await h.publish('gpuaas.provisioning.requested', payload);
    await h.waitForEvent('gpuaas.provisioning.active', payload.allocation_id);
    await h.waitForStatus(payload.allocation_id, 'active');
    expect(h.deliveries('gpuaas.provisioning.requested').retry ?? 0).toBeGreaterThanOrEqual(1);
    expect(h.instancesOf(payload.allocation_id)).toHaveLength(1);
    expect(h.events('gpuaas.provisioning.active', payload.allocation_id)).toHaveLength(1);
  });

  it('releases with the final interval; the metered quantity is (released − started) × gpu_count', async () => {
    const payload = h.requested({ gpu_count: 3 });
    await h.publish('gpuaas.provisioning.requested', payload);
    const active = await h.waitForStatus(payload.allocation_id, 'active');
    const startedAt = msOf(active.started_at as string);

    h.clock.advance(125.4);
    h.clock.freeze();
    // Two ticks at once and one again: each active allocation's interval once.
    const ticks = await Promise.all([h.task('meter'), h.task('meter')]);
    expect(ticks.reduce((n, t) => n + Number(t.intervals), 0)).toBe(ticks[0]?.allocations);
    expect((await h.task('meter')).intervals).toBe(0);
    h.clock.resume();
    await h.waitForEvent('platform.billing.usage.metered', payload.allocation_id);
    expect(h.events('platform.billing.usage.metered', payload.allocation_id)).toHaveLength(1);

    h.clock.advance(30.2);
    const release = {
      allocation_id: payload.allocation_id,
      user_id: payload.user_id,
      requested_by: 'user' as const,
      reason: 'user_requested' as const,
      requested_at: h.clock.now().toISOString(),
    };
    await h.publish('gpuaas.provisioning.releasing.requested', release);
    const completed = await h.waitForEvent(
      'gpuaas.provisioning.releasing.completed',
      payload.allocation_id,
    );
    const released = await h.waitForStatus(payload.allocation_id, 'released');
    expect(h.sim.liveInstances().filter((i) => i.allocationId === payload.allocation_id)).toEqual(
      [],
    );
    expect(completed).toMatchObject({
      release_reason: 'user_requested',
      billable_seconds: released.billable_seconds,
    });

    await expect
      .poll(() => h.events('platform.billing.usage.metered', payload.allocation_id).length)
      .toBe(2);
    const intervals = h
      .events('platform.billing.usage.metered', payload.allocation_id)
      .sort((a, b) => msOf(a.interval_start) - msOf(b.interval_start));
    expect(intervals.map((i) => i.is_final)).toEqual([false, true]);
    expect(msOf(intervals[0]?.interval_start as string)).toBe(startedAt);
    expect(intervals[0]?.interval_end).toBe(intervals[1]?.interval_start);
    expect(msOf(intervals[1]?.interval_end as string)).toBe(msOf(released.released_at as string));
    const windowSeconds = (msOf(released.released_at as string) - startedAt) / 1000;
    expect(windowSeconds).toBeGreaterThanOrEqual(155);
    expect(intervals.reduce((sum, i) => sum + i.quantity, 0)).toBe(windowSeconds * 3);
    expect(intervals[0]).toMatchObject({
      usage_event_id: `${payload.allocation_id}:${intervals[0]?.interval_start}`,
      unit: 'gpu_second',
      sku: 'h100',
      product_code: 'gpu',
    });

    // The release delivered twice more and a late tick change nothing.
    await h.publish('gpuaas.provisioning.releasing.requested', release);
    await h.publish('gpuaas.provisioning.releasing.requested', release);
    h.clock.advance(60);
    await h.task('meter');
    await expect
      .poll(() => h.deliveries('gpuaas.provisioning.releasing.requested').duplicate ?? 0)
      .toBe(2);
    expect(h.events('gpuaas.provisioning.releasing.completed', payload.allocation_id)).toHaveLength(
      1,
    );
    expect(h.events('platform.billing.usage.metered', payload.allocation_id)).toHaveLength(2);
  });

  it('cancels a provisioning released before it went active', async () => {
    h.sim.configure({ bootLatencyMs: [1500, 1500] });
    try {
      const payload = h.requested();
      await h.publish('gpuaas.provisioning.requested', payload);
      await expect
        .poll(async () => (await h.allocation(payload.allocation_id))?.instance)
        .toBeTruthy();
      await h.publish('gpuaas.provisioning.releasing.requested', {
        allocation_id: payload.allocation_id,
        user_id: payload.user_id,
        requested_by: 'user',
        reason: 'user_requested',
        requested_at: h.clock.now().toISOString(),
      });
      const completed = await h.waitForEvent(
        'gpuaas.provisioning.releasing.completed',
        payload.allocation_id,
      );
      expect(completed).toMatchObject({
        release_reason: 'provisioning_cancelled',
        billable_seconds: 0,
      });
      const allocation = await h.waitForStatus(payload.allocation_id, 'released');
      expect(allocation.started_at).toBeNull();
      expect(h.sim.liveInstances().filter((i) => i.allocationId === payload.allocation_id)).toEqual(
        [],
      );
      expect(h.events('gpuaas.provisioning.active', payload.allocation_id)).toEqual([]);
      expect(h.events('platform.billing.usage.metered', payload.allocation_id)).toEqual([]);
    } finally {
      h.sim.configure({ bootLatencyMs: [40, 120] });
    }
  });
});
