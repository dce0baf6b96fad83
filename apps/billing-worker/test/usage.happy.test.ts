import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NS_PER_SECOND } from '../src/domain/instants';
import { rateSpan } from '../src/domain/rating';
import { heldRef } from '../src/store/held-usage';
import { active, releaseFailed, releasingCompleted, uid, usage } from './fixtures';
import { BillingHarness } from './harness';

const price = (a: { rate_micros_per_gpu_hour: number; gpu_count: number }, increment = 60) => ({
  price_id: 'p',
  currency: 'USD',
  rate_micros_per_gpu_hour: a.rate_micros_per_gpu_hour,
  gpu_count: a.gpu_count,
  billing_increment_seconds: increment,
});
const rating = (seconds: number, a: Parameters<typeof price>[0]) =>
  Number(rateSpan(BigInt(seconds) * NS_PER_SECOND, price(a)));

describe('usage through real push', () => {
  let h: BillingHarness;
  beforeAll(async () => {
    h = await BillingHarness.start('billing-usage');
  });
  afterEach(async () => {
    await h.expectLedgerHolds();
  });
  afterAll(() => h.close());

  it('charges a metered allocation exactly the rating of its window', async () => {
    const a = active({
      allocation_id: uid('alloc'),
      user_id: uid('user'),
      gpu_count: 2,
      rate_micros_per_gpu_hour: 2_499_999,
    });
    await h.publish('gpuaas.provisioning.active', a);
    await h.waitForWindow(a.allocation_id, 'open');
    const intervals = [usage(a, 0, 60), usage(a, 60, 120), usage(a, 120, 180), usage(a, 180, 217)];
    for (const u of intervals) await h.publish('platform.billing.usage.metered', u);
    await h.publish('gpuaas.provisioning.releasing.completed', releasingCompleted(a, 217));

    const lines = await h.waitForLines(a.user_id, a.allocation_id, 4);
    const total = lines.reduce((sum, l) => sum + l.amount_micros, 0);
    // 217 s bill as 240 s: ceil(240 × 2,499,999 × 2 / 3600) micros.
    expect(total).toBe(rating(217, a));
    expect(total).toBe(Math.ceil((240 * 2_499_999 * 2) / 3600));
    expect(await h.ledger.userBalance(a.user_id, 'USD')).toBe(-total);
    for (const line of lines) {
      expect(line).toMatchObject({
        price_id: a.price_id,
        rate_micros_per_gpu_hour: a.rate_micros_per_gpu_hour,
        gpu_count: 2,
        currency: 'USD',
        rounding: 'ceil',
        status: 'charged',
        ledger_transaction_id: line.usage_event_id,
        held: false,
      });
      const tx = await h.ledger.getTransaction(line.usage_event_id);
      expect(tx?.postings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ account: `customer_credit:${a.user_id}`, direction: 'debit' }),
          expect.objectContaining({ account: 'revenue:gpu', direction: 'credit' }),
        ]),
      );
    }
  });

  it('bills in the increment of the active snapshot; a 1.0 active in the configured one', async () => {
    const perSecond = active({
      allocation_id: uid('alloc'),
      user_id: uid('user'),
      billing_increment_seconds: 1,
    });
    const { billing_increment_seconds: _none, ...v1_0 } = {
      ...perSecond,
      allocation_id: uid('alloc'),
    };
    await h.publish('gpuaas.provisioning.active', perSecond);
    await h.bus.publishUnchecked('gpuaas.provisioning.active', '1.0', v1_0);
    for (const a of [perSecond, v1_0]) {
      await h.waitForWindow(a.allocation_id, 'open');
      await h.publish('platform.billing.usage.metered', usage(a, 0, 61));
    }
    const [line] = await h.waitForLines(perSecond.user_id, perSecond.allocation_id, 1);
    const [minute] = await h.waitForLines(v1_0.user_id, v1_0.allocation_id, 1);
    // 61 s of one GPU at 3.6 USD per GPU-hour: 61 s per second, 120 s in minutes.
    expect(line).toMatchObject({ billing_increment_seconds: 1, billed_seconds: 61 });
    expect(line?.amount_micros).toBe(61_000);
    expect(minute).toMatchObject({ billing_increment_seconds: 60, billed_seconds: 120 });
    expect(minute?.amount_micros).toBe(120_000);
    expect(await h.ledger.userBalance(perSecond.user_id, 'USD')).toBe(-181_000);
  });

  it('charges the same interval delivered three times once', async () => {
    const a = active({ allocation_id: uid('alloc'), user_id: uid('user') });
    await h.publish('gpuaas.provisioning.active', a);
    const u = usage(a, 0, 120);
    const since = h.delivered('platform.billing.usage.metered');
    // Two at once (concurrent duplicates), then one more after.
    await Promise.all([
      h.publish('platform.billing.usage.metered', u),
      h.publish('platform.billing.usage.metered', u),
    ]);
    await h.waitForLines(a.user_id, a.allocation_id, 1);
    await h.publish('platform.billing.usage.metered', u);
    await h.waitDelivered('platform.billing.usage.metered', since, 3);
    const lines = await h.lines(a.user_id, a.allocation_id);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.amount_micros).toBe(rating(120, a));
    expect(await h.ledger.userBalance(a.user_id, 'USD')).toBe(-rating(120, a));
  });

  it('rates usage that arrives before active once active comes, at the snapshot price', async () => {
    const a = active({
      allocation_id: uid('alloc'),
      user_id: uid('user'),
      rate_micros_per_gpu_hour: 7_200_000,
      gpu_count: 3,
    });
    const early = [usage(a, 0, 60), usage(a, 60, 90)];
    for (const u of early) await h.publish('platform.billing.usage.metered', u);
    // Held, not charged, not dead-lettered.
    for (const u of early) {
      await expect
        .poll(async () => (await heldRef(h.firestore, u.usage_event_id).get()).exists)
        .toBe(true);
    }
    expect(await h.lines(a.user_id)).toHaveLength(0);
    expect(await h.ledger.userBalance(a.user_id, 'USD')).toBe(0);

    await h.publish('gpuaas.provisioning.active', a);
    const lines = await h.waitForLines(a.user_id, a.allocation_id, 2);
    expect(lines.every((l) => l.held && l.rate_micros_per_gpu_hour === 7_200_000)).toBe(true);
    expect(lines.reduce((n, l) => n + l.amount_micros, 0)).toBe(rating(90, a));
    for (const u of early) {
      expect((await heldRef(h.firestore, u.usage_event_id).get()).exists).toBe(false);
    }
    // A redelivery of an early interval and of active after the fact changes nothing.
    const since = h.delivered('platform.billing.usage.metered');
    const activeSince = h.delivered('gpuaas.provisioning.active');
    await h.publish('platform.billing.usage.metered', early[0] as (typeof early)[0]);
    await h.publish('gpuaas.provisioning.active', a);
    await h.waitDelivered('gpuaas.provisioning.active', activeSince, 1);
    const later = usage(a, 90, 150);
    await h.publish('platform.billing.usage.metered', later);
    await h.waitDelivered('platform.billing.usage.metered', since, 2);
    const all = await h.waitForLines(a.user_id, a.allocation_id, 3);
    expect(all).toHaveLength(3);
    expect(await h.ledger.userBalance(a.user_id, 'USD')).toBe(-rating(150, a));
    expect(h.served?.deadLetters('billing-worker').received).toHaveLength(0);
  });

  it('does not charge usage past release_failed, and the line says so', async () => {
    const a = active({ allocation_id: uid('alloc'), user_id: uid('user') });
    await h.publish('gpuaas.provisioning.active', a);
    await h.publish('gpuaas.provisioning.release_failed', releaseFailed(a, 90));
    await h.waitForWindow(a.allocation_id, 'stopped');
    const before = usage(a, 0, 60);
    const across = usage(a, 60, 120);
    const past = usage(a, 120, 180);
    for (const u of [past, across, before]) await h.publish('platform.billing.usage.metered', u);
    const lines = await h.waitForLines(a.user_id, a.allocation_id, 3);
    const byId = new Map(lines.map((l) => [l.usage_event_id, l]));
    expect(byId.get(before.usage_event_id)).toMatchObject({
      status: 'charged',
      billing_stop: null,
    });
    expect(byId.get(across.usage_event_id)).toMatchObject({
      status: 'charged',
      charged_until: '2026-04-01T08:01:30Z',
      billing_stop: { at: '2026-04-01T08:01:30Z', reason: 'release_failed' },
    });
    expect(byId.get(past.usage_event_id)).toMatchObject({
      status: 'not_charged',
      amount_micros: 0,
      billed_seconds: 0,
      no_charge_reason: 'past_billing_stop',
      ledger_transaction_id: null,
      billing_stop: { reason: 'release_failed' },
    });
    // Billing ran [0, 90 s): 120 s billed in whole minutes.
    expect(await h.ledger.userBalance(a.user_id, 'USD')).toBe(-rating(90, a));
    expect(await h.ledger.getTransaction(past.usage_event_id)).toBeUndefined();
  });

  it('charges a final interval that arrives after the window closed', async () => {
    const a = active({ allocation_id: uid('alloc'), user_id: uid('user'), gpu_count: 4 });
    await h.publish('gpuaas.provisioning.active', a);
    await h.publish('platform.billing.usage.metered', usage(a, 0, 60));
    await h.waitForLines(a.user_id, a.allocation_id, 1);
    await h.publish('gpuaas.provisioning.releasing.completed', releasingCompleted(a, 75));
    await h.waitForWindow(a.allocation_id, 'closed');
    await h.publish('platform.billing.usage.metered', usage(a, 60, 75, { is_final: true }));
    const lines = await h.waitForLines(a.user_id, a.allocation_id, 2);
    expect(lines.reduce((n, l) => n + l.amount_micros, 0)).toBe(rating(75, a));
  });
});
