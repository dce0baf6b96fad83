import { readUserBlock } from '@gpuaas/allocations';
import { canonicalTimestamp } from '@gpuaas/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerHarness } from './harness';

describe('balance depletion', () => {
  let h: WorkerHarness;
  beforeAll(async () => {
    h = await WorkerHarness.start();
  });
  afterAll(() => h.close());

  const now = () => canonicalTimestamp(h.clock.now().toISOString());

  async function activeFor(userId: string) {
    const payload = h.requested({ user_id: userId, gpu_count: 1 });
    await h.publish('gpuaas.provisioning.requested', payload);
    await h.waitForStatus(payload.allocation_id, 'active');
    return payload.allocation_id;
  }

  it('force-releases every allocation of the user, one started after the snapshot included, and blocks new ones', async () => {
    const user = 'user-forced';
    const [a, b] = [await activeFor(user), await activeFor(user)];
    const bystander = await activeFor('user-bystander');
    const depletedAt = now();
    // Started after billing took its snapshot of [a, b].
    const late = await activeFor(user);
    h.clock.advance(42);
    const force = {
      user_id: user,
      window_id: depletedAt,
      reason: 'balance_depleted' as const,
      depleted_at: depletedAt,
      balance_micros: -1_500,
      currency: 'USD',
      allocation_ids: [a, b],
      requested_at: now(),
    };
    await h.publish('gpuaas.provisioning.force_release_requested', force);
    for (const id of [a, b, late]) {
      const completed = await h.waitForEvent('gpuaas.provisioning.releasing.completed', id);
      expect(completed.release_reason).toBe('balance_depleted');
      expect(completed.billable_seconds).toBeGreaterThanOrEqual(42);
      await h.waitForStatus(id, 'released');
      await expect
        .poll(() => h.events('platform.billing.usage.metered', id).filter((m) => m.is_final).length)
        .toBe(1);
    }
    expect(h.sim.liveInstances().map((i) => i.allocationId)).toEqual([bystander]);
    expect((await h.allocation(bystander))?.status).toBe('active');
    // Each release is in its own allocation's flow, not all of them in the depletion's.
    for (const id of [a, b, late]) {
      const released = h.taps['gpuaas.provisioning.releasing.completed'].where(
        (m) => m.json?.payload?.allocation_id === id,
      );
      expect(released.map((m) => m.attributes.correlation_id)).toEqual([id]);
    }

    // The same force release again changes nothing.
    await h.publish('gpuaas.provisioning.force_release_requested', force);
    await expect
      .poll(() => h.deliveries('gpuaas.provisioning.force_release_requested').duplicate ?? 0)
      .toBe(1);
    for (const id of [a, b, late]) {
      expect(h.events('gpuaas.provisioning.releasing.completed', id)).toHaveLength(1);
    }

    // Blocked: a new request fails with insufficient_balance and makes no instance.
    const made = h.sim.stats().instancesMade;
    const refused = h.requested({ user_id: user });
    await h.publish('gpuaas.provisioning.requested', refused);
    const failed = await h.waitForEvent('gpuaas.provisioning.failed', refused.allocation_id);
    expect(failed).toMatchObject({
      reason_code: 'insufficient_balance',
      retryable: true,
      attempts: 0,
    });
    expect(h.sim.stats().instancesMade).toBe(made);

    // A credit re-arms it: the next request goes through and clears the block.
    await h.credit(user, 10_000_000);
    const again = h.requested({ user_id: user });
    await h.publish('gpuaas.provisioning.requested', again);
    await h.waitForStatus(again.allocation_id, 'active');
    expect((await readUserBlock(h.firestore, user))?.cleared_balance_micros).toBe(10_000_000);
  });

  it('blocks a user on balance_depleted alone; a duplicate or an older depletion changes nothing', async () => {
    const user = 'user-depleted';
    const depletion = {
      user_id: user,
      depleted_at: now(),
      balance_micros: 0,
      currency: 'USD',
      active_allocation_ids: [],
    };
    await h.publish('platform.billing.balance_depleted', depletion);
    await expect.poll(() => readUserBlock(h.firestore, user)).toBeDefined();
    await h.publish('platform.billing.balance_depleted', depletion);
    await h.publish('platform.billing.balance_depleted', {
      ...depletion,
      depleted_at: canonicalTimestamp(
        new Date(Date.parse(depletion.depleted_at) - 60_000).toISOString(),
      ),
    });
    await expect
      .poll(() => {
        const d = h.deliveries('platform.billing.balance_depleted');
        return (d.processed ?? 0) + (d.duplicate ?? 0);
      })
      .toBe(3);
    const block = await readUserBlock(h.firestore, user);
    expect(block).toMatchObject({ version: 1, cleared_at: null });

    const payload = h.requested({ user_id: user });
    await h.publish('gpuaas.provisioning.requested', payload);
    const failed = await h.waitForEvent('gpuaas.provisioning.failed', payload.allocation_id);
    expect(failed.reason_code).toBe('insufficient_balance');
    expect(h.instancesOf(payload.allocation_id)).toEqual([]);
  });
});
