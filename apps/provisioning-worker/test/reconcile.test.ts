import { allocationOfRequested, storedInstant, transitionAllocation } from '@gpuaas/allocations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerHarness } from './harness';

describe('the reconciler against the provider', () => {
  let h: WorkerHarness;
  beforeAll(async () => {
    h = await WorkerHarness.start({ env: { ORPHAN_GRACE_SECONDS: '30' } });
  });
  afterAll(() => h.close());

  const read = { signal: new AbortController().signal };

  /** A requested allocation left in provisioning by its delivery (still booting when it gave up). */
  async function pending(bootMs: number) {
    h.sim.configure({ bootLatencyMs: [bootMs, bootMs] });
    const payload = h.requested();
    await h.publish('gpuaas.provisioning.requested', payload);
    // The boot latency is fixed when the instance is made.
    await expect
      .poll(async () => (await h.allocation(payload.allocation_id))?.instance)
      .toBeTruthy();
    return payload.allocation_id;
  }

  it('terminates an instance no allocation owns, once past its grace period', async () => {
    const orphan = await h.sim.createInstance(
      { allocationId: 'alloc_ghost', userId: 'user-x', gpuType: 'l4', gpuCount: 1, region: null },
      { idempotencyKey: 'made-by-hand', signal: read.signal },
    );
    // Young: it may belong to a delivery that has not recorded it yet.
    expect(await h.task('reconcile')).toMatchObject({ orphans_terminated: 0 });
    h.clock.advance(31);
    const [first, second] = await Promise.all([h.task('reconcile'), h.task('reconcile')]);
    expect(Number(first.orphans_terminated) + Number(second.orphans_terminated)).toBe(1);
    expect(await h.sim.getInstance(orphan.instanceId, read)).toBeNull();
  });

  it('fails a provisioning whose instance vanished and activates one that became healthy late', async () => {
    // Both outlive their delivery's time (a 5 s lease here): left provisioning with an instance.
    const vanishing = await pending(60_000);
    const slow = await pending(5_500);
    h.sim.configure({ bootLatencyMs: [40, 120] });
    for (const id of [vanishing, slow]) {
      await expect
        .poll(() => h.deliveries('gpuaas.provisioning.requested').processed ?? 0, {
          timeout: 15_000,
        })
        .toBeGreaterThanOrEqual(id === vanishing ? 1 : 2);
    }
    const stuck = await h.allocation(vanishing);
    expect(stuck?.status).toBe('provisioning');
    h.sim.vanish(stuck?.instance?.provider_instance_id as string);
    const slowInstance = (await h.allocation(slow))?.instance?.provider_instance_id as string;
    await expect
      .poll(async () => (await h.sim.getInstance(slowInstance, read))?.state, { timeout: 10_000 })
      .toBe('running');

    const result = await h.task('reconcile');
    expect(result).toMatchObject({ failed_vanished: 1, activated: 1 });
    const failed = await h.waitForEvent('gpuaas.provisioning.failed', vanishing);
    expect(failed).toMatchObject({
      reason_code: 'provider_error',
      reason_message: 'the instance vanished while provisioning',
      provider_instance_id: stuck?.instance?.provider_instance_id,
    });
    const active = await h.waitForEvent('gpuaas.provisioning.active', slow);
    const readyAt = (await h.sim.getInstance(slowInstance, read))?.readyAt as string;
    expect(Date.parse(active.started_at)).toBe(Math.floor(Date.parse(readyAt) / 1000) * 1000);
    expect(await h.task('reconcile')).toMatchObject({ failed_vanished: 0, activated: 0 });
  });

  it('releases an active allocation whose instance vanished, with its final interval', async () => {
    const payload = h.requested({ gpu_count: 4 });
    await h.publish('gpuaas.provisioning.requested', payload);
    const active = await h.waitForStatus(payload.allocation_id, 'active');
    h.clock.advance(90);
    h.sim.vanish(active.instance?.provider_instance_id as string);
    expect(await h.task('reconcile')).toMatchObject({ released_vanished: 1 });
    const completed = await h.waitForEvent(
      'gpuaas.provisioning.releasing.completed',
      payload.allocation_id,
    );
    expect(completed.release_reason).toBe('admin');
    const final = await h.waitForEvent('platform.billing.usage.metered', payload.allocation_id);
    expect(final).toMatchObject({ is_final: true, quantity: completed.billable_seconds * 4 });
    expect(completed.billable_seconds).toBeGreaterThanOrEqual(90);
  });

  it('fails an allocation stuck past its provisioning timeout, its delivery lost', async () => {
    const id = 'alloc_lost_delivery';
    const requestedAt = storedInstant(h.clock.now().getTime() - 700_000);
    const allocation = allocationOfRequested(h.requested({ allocation_id: id }));
    await h.firestore.runTransaction((tx) =>
      transitionAllocation(tx, h.firestore, id, {
        kind: 'request',
        at: requestedAt,
        allocation: { ...allocation, requested_at: requestedAt },
      }),
    );
    expect(await h.task('reconcile')).toMatchObject({ timed_out: 1 });
    const failed = await h.waitForEvent('gpuaas.provisioning.failed', id);
    expect(failed).toMatchObject({ reason_code: 'provisioning_timeout', retryable: false });
  });

  it('skips a document off its schema instead of failing the whole sweep', async () => {
    await h.firestore.collection('allocations').doc('alloc_broken').set({ status: 'active' });
    const payload = h.requested();
    await h.publish('gpuaas.provisioning.requested', payload);
    await h.waitForStatus(payload.allocation_id, 'active');
    h.clock.advance(5);
    const meter = await h.task('meter');
    expect(meter).toMatchObject({ invalid: 1 });
    expect(Number(meter.intervals)).toBeGreaterThanOrEqual(1);
    expect(await h.task('reconcile')).toMatchObject({ invalid: 1 });
    await h.waitForEvent('platform.billing.usage.metered', payload.allocation_id);
  });
});
