import type { EventType } from '@gpuaas/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Active, active, uid, usage } from './fixtures';
import { BillingHarness, EMITTED } from './harness';

// 1,000 micros a second at 3.60/h: an interval of 300 s costs 300,000.
const STEP = 300;

describe('the balance state machine through real push', () => {
  let h: BillingHarness;
  beforeAll(async () => {
    h = await BillingHarness.start('billing-balance', {
      env: { LOW_BALANCE_THRESHOLD_MICROS: '1000000', AUTO_RELEASE_LEAD_SECONDS: '600' },
    });
  });
  afterAll(async () => {
    await h.expectLedgerHolds();
    await h.close();
  });

  /** Charges the next `count` intervals of the window one by one, each acknowledged. */
  async function meter(a: Active, from: number, count: number): Promise<number> {
    for (let i = 0; i < count; i++) {
      const start = (from + i) * STEP;
      await h.deliver('platform.billing.usage.metered', usage(a, start, start + STEP));
    }
    return from + count;
  }

  const stateOf = async (userId: string) => (await h.state(userId))?.state.state ?? 'ok';
  const count = async (userId: string) =>
    Object.fromEntries(
      await Promise.all(
        EMITTED.map(async (t) => [t.split('.').at(-1), (await h.emitted(t, userId)).length]),
      ),
    ) as Record<string, number>;
  const ordered = async (userId: string) => {
    const all: { type: EventType; at: number }[] = [];
    for (const type of EMITTED) {
      const snap = await h.firestore
        .collection(h.service.outbox.collection)
        .where('topic', '==', type)
        .get();
      for (const d of snap.docs) {
        const env = JSON.parse(Buffer.from(d.get('data') as Uint8Array).toString());
        if (env.payload.user_id === userId) {
          all.push({ type, at: d.get('created_at').toMillis() });
        }
      }
    }
    return all.sort((x, y) => x.at - y.at).map((e) => e.type.split('.').at(-1));
  };

  it('walks ok → low → pending_auto_release → depleted, each warning once, in order', async () => {
    const a = active({ allocation_id: uid('alloc'), user_id: uid('user') });
    const taps = await Promise.all(EMITTED.map((t) => h.tap(t)));
    await h.credit(a.user_id, 3_000_000);
    await h.deliver('gpuaas.provisioning.active', a);
    const seen: string[] = [];
    let next = 0;
    for (let i = 0; i < 12; i++) {
      next = await meter(a, next, 1);
      seen.push(await stateOf(a.user_id));
    }
    // 2.7M … 1.2M ok; 0.9M low; 0.6M (600 s left) pending; 0.3M (the intervals arrive faster
    // than the clock runs, at the same burn: not told again); 0 depleted; below stays.
    expect(seen).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
      'low',
      'pending_auto_release',
      'pending_auto_release',
      'depleted',
      'depleted',
      'depleted',
    ]);
    expect(await ordered(a.user_id)).toEqual([
      'low_balance_warning',
      'auto_release_pending',
      'balance_depleted',
      'force_release_requested',
    ]);
    // A tick and redeliveries repeat nothing.
    expect((await h.tick()).status).toBe(200);
    await h.deliver('platform.billing.usage.metered', usage(a, 0, STEP));
    expect(await count(a.user_id)).toEqual({
      low_balance_warning: 1,
      auto_release_pending: 1,
      balance_depleted: 1,
      force_release_requested: 1,
    });
    for (const tap of taps) await tap.waitFor((m) => m.json?.payload?.user_id === a.user_id);
    const state = (await h.state(a.user_id))?.state;
    const [low, pending, depleted, force] = taps.map(
      (t) => t.where((m) => m.json?.payload?.user_id === a.user_id)[0]?.json?.payload,
    );
    expect(low).toMatchObject({
      threshold_window: state?.episode_id,
      balance_micros: 900_000,
      burn_rate_micros_per_hour: 3_600_000,
    });
    expect(pending).toMatchObject({ balance_micros: 600_000, lead_seconds: 600 });
    expect(depleted).toMatchObject({ depleted_at: state?.window_id, balance_micros: 0 });
    expect(force).toMatchObject({ window_id: state?.window_id, allocation_ids: [a.allocation_id] });
    // The balance's events are one flow, whichever charge moved the balance.
    for (const tap of taps) {
      const mine = tap.where((m) => m.json?.payload?.user_id === a.user_id);
      expect(new Set(mine.map((m) => m.attributes.correlation_id))).toEqual(
        new Set([`balance:${a.user_id}:USD`]),
      );
    }
  });

  it('warns once while the balance hovers around the threshold; a top-up re-arms with a new episode', async () => {
    const a = active({ allocation_id: uid('alloc'), user_id: uid('user') });
    await h.credit(a.user_id, 1_200_000);
    await h.deliver('gpuaas.provisioning.active', a);
    let next = await meter(a, 0, 1); // 0.9M: low
    const first = (await h.state(a.user_id))?.state.episode_id;
    expect(await stateOf(a.user_id)).toBe('low');
    // Up and down around the threshold, never above threshold × 1.1 = 1.1M.
    await h.credit(a.user_id, 200_000); // 1.1M: not above, stays low
    next = await meter(a, next, 1); // 0.8M
    await h.credit(a.user_id, 250_000); // 1.05M
    expect((await h.tick()).status).toBe(200);
    expect(await stateOf(a.user_id)).toBe('low');
    expect((await h.emitted('platform.billing.low_balance_warning', a.user_id)).length).toBe(1);

    // A top-up above 1.1M with depletion beyond the lead: re-armed by the read model at once.
    await h.credit(a.user_id, 2_000_000); // 3.05M
    expect(await stateOf(a.user_id)).toBe('ok');
    await meter(a, next, 8); // 0.65M
    const warnings = await h.emitted('platform.billing.low_balance_warning', a.user_id);
    expect(warnings).toHaveLength(2);
    const second = (await h.state(a.user_id))?.state.episode_id;
    expect(second).not.toBe(first);
    expect(warnings.map((w) => w.threshold_window).sort()).toEqual([first, second].sort());
  });

  it('a top-up after depletion opens a new depletion window; force release once per window', async () => {
    const a = active({ allocation_id: uid('alloc'), user_id: uid('user') });
    await h.credit(a.user_id, 600_000);
    await h.deliver('gpuaas.provisioning.active', a);
    let next = await meter(a, 0, 2); // 0: depleted
    expect(await stateOf(a.user_id)).toBe('depleted');
    const firstWindow = (await h.state(a.user_id))?.state.window_id;
    next = await meter(a, next, 2); // -600k: still the same window
    await h.credit(a.user_id, 5_000_000); // 4.4M: ok
    expect(await stateOf(a.user_id)).toBe('ok');
    await meter(a, next, 15); // -100k
    expect(await stateOf(a.user_id)).toBe('depleted');
    const forces = await h.emitted('gpuaas.provisioning.force_release_requested', a.user_id);
    expect(forces).toHaveLength(2);
    expect(new Set(forces.map((f) => f.window_id))).toEqual(
      new Set([firstWindow, (await h.state(a.user_id))?.state.window_id]),
    );
    expect(await count(a.user_id)).toMatchObject({ low_balance_warning: 2, balance_depleted: 2 });
  });

  it('the task re-arms on a credit no event announced; racing ticks transition once', async () => {
    const a = active({ allocation_id: uid('alloc'), user_id: uid('user') });
    await h.credit(a.user_id, 300_000);
    await h.deliver('gpuaas.provisioning.active', a);
    await meter(a, 0, 1); // 0: depleted
    expect(await stateOf(a.user_id)).toBe('depleted');
    const before = (await h.state(a.user_id))?.version ?? 0;
    await h.credit(a.user_id, 4_000_000, { announce: false });
    expect(await stateOf(a.user_id)).toBe('depleted');
    const ticks = await Promise.all(Array.from({ length: 6 }, () => h.tick()));
    expect(ticks.map((t) => t.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(ticks.reduce((n, t) => n + (t.body.transitions as number), 0)).toBe(1);
    expect(await stateOf(a.user_id)).toBe('ok');
    expect((await h.state(a.user_id))?.version).toBe(before + 1);
  });
});
