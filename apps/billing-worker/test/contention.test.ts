import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineRef } from '../src/store/usage-lines';
import { active, uid, usage } from './fixtures';
import { BillingHarness, EMITTED } from './harness';

const EVENTS = 50;

describe('50 usage events for one user pushed at once', () => {
  let h: BillingHarness;
  beforeAll(async () => {
    h = await BillingHarness.start('billing-burst', {
      env: { LOW_BALANCE_THRESHOLD_MICROS: '1000000' },
    });
  });
  afterAll(() => h.close());

  it('ends at the exact balance: no lost update, no double charge; retries counted', async () => {
    const a = active({ allocation_id: uid('alloc'), user_id: uid('user') });
    // 50 minutes at 3.60/h cost exactly the credit: the balance walks ok → low → pending → 0.
    // Credited first: a window opening on an empty balance is depleted at once.
    await h.credit(a.user_id, EVENTS * 60_000);
    await expect.poll(() => h.ledger.userBalance(a.user_id, 'USD')).toBe(EVENTS * 60_000);
    await h.publish('gpuaas.provisioning.active', a);
    await h.waitForWindow(a.allocation_id, 'open');
    const taps = await Promise.all(EMITTED.map((t) => h.tap(t)));
    const intervals = Array.from({ length: EVENTS }, (_, i) => usage(a, i * 60, (i + 1) * 60));

    const since = h.delivered('platform.billing.usage.metered');
    const started = performance.now();
    await Promise.all(intervals.map((u) => h.publish('platform.billing.usage.metered', u)));
    await h.waitForLines(a.user_id, a.allocation_id, EVENTS, 120_000);
    await h.waitDelivered('platform.billing.usage.metered', since, EVENTS, 120_000);
    const seconds = (performance.now() - started) / 1000;
    const retries = h.retries();
    const retried = Object.values(retries).reduce((n, c) => n + c, 0);
    console.log(
      `${EVENTS} usage events for one user: all charged in ${seconds.toFixed(2)} s, ${retried} retries by reason ${JSON.stringify(retries)}`,
    );

    expect(await h.ledger.userBalance(a.user_id, 'USD')).toBe(0);
    const lines = await h.lines(a.user_id, a.allocation_id);
    expect(lines).toHaveLength(EVENTS);
    expect(new Set(lines.map((l) => l.usage_event_id)).size).toBe(EVENTS);
    expect(lines.every((l) => l.amount_micros === 60_000)).toBe(true);

    // All 50 again, at once: nothing changes.
    const again = h.delivered('platform.billing.usage.metered');
    await Promise.all(intervals.map((u) => h.publish('platform.billing.usage.metered', u)));
    await h.waitDelivered('platform.billing.usage.metered', again, EVENTS, 120_000);
    expect(await h.ledger.userBalance(a.user_id, 'USD')).toBe(0);
    expect(await h.lines(a.user_id, a.allocation_id)).toHaveLength(EVENTS);
    const report = await h.expectLedgerHolds();
    expect(report.transactions).toBe(EVENTS + 1);

    // Fifty racing evaluations made each transition once.
    for (const type of EMITTED) {
      const events = await h.emitted(type, a.user_id);
      if (events.length !== 1) console.log(type, JSON.stringify(events, null, 1));
      expect(events, type).toHaveLength(1);
    }
    for (const tap of taps) await tap.waitForCount(1, 30_000);
    const [low, , depleted, force] = taps.map((t) => t.received[0]?.json?.payload ?? {});
    expect(low).toMatchObject({ user_id: a.user_id, threshold_micros: 1_000_000 });
    expect(depleted).toMatchObject({ balance_micros: 0, active_allocation_ids: [a.allocation_id] });
    expect(force).toMatchObject({ reason: 'balance_depleted', allocation_ids: [a.allocation_id] });
    expect(h.served?.deadLetters('billing-worker').received).toHaveLength(0);
  }, 300_000);

  it('a delivery that meets a locked document answers 503 and the retry charges it once', async () => {
    const a = active({ allocation_id: uid('alloc'), user_id: uid('user') });
    await h.publish('gpuaas.provisioning.active', a);
    await h.waitForWindow(a.allocation_id, 'open');
    const u = usage(a, 0, 60);
    const retriedBefore = Object.values(h.retries()).reduce((n, c) => n + c, 0);
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Another transaction (a stuck process) holds the line's document until a retry was seen.
    const holder = h.firestore.runTransaction(async (tx) => {
      await tx.get(lineRef(h.firestore, u.usage_event_id));
      await released;
    });
    await h.publish('platform.billing.usage.metered', u);
    await expect
      .poll(() => Object.values(h.retries()).reduce((n, c) => n + c, 0) - retriedBefore, {
        timeout: 90_000,
      })
      .toBeGreaterThan(0);
    console.log('retries while the line was locked:', h.retries());
    release();
    await holder;
    const lines = await h.waitForLines(a.user_id, a.allocation_id, 1, 90_000);
    expect(lines).toHaveLength(1);
    expect(await h.ledger.userBalance(a.user_id, 'USD')).toBe(-60_000);
    expect(h.served?.deadLetters('billing-worker').received).toHaveLength(0);
    await h.expectLedgerHolds();
  }, 300_000);
});
