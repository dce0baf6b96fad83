import { customerCreditAccount } from '@gpuaas/ledger';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NS_PER_SECOND } from '../src/domain/instants';
import { rateSpan } from '../src/domain/rating';
import { active, uid, usage } from './fixtures';
import { BillingHarness } from './harness';

/** A window split at random whole seconds, with `active` somewhere in the arrival order. */
const scenario = fc.record({
  totalSeconds: fc.integer({ min: 1, max: 4 * 3600 }),
  cuts: fc.uniqueArray(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 7 }),
  rate: fc.integer({ min: 1, max: 40_000_000 }),
  gpus: fc.integer({ min: 1, max: 8 }),
  duplicates: fc.array(fc.nat(), { maxLength: 4 }),
  order: fc.array(fc.nat(), { minLength: 14, maxLength: 14 }),
  activeAt: fc.nat(),
});

describe('split-invariant rating through real push (property, few cases)', () => {
  let h: BillingHarness;
  beforeAll(async () => {
    h = await BillingHarness.start('billing-prop');
  });
  afterAll(() => h.close());

  it('charges any split of a window, in any order with duplicates, exactly its rating', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const a = active({
          allocation_id: uid('alloc'),
          user_id: uid('user'),
          rate_micros_per_gpu_hour: s.rate,
          gpu_count: s.gpus,
        });
        const points = [...new Set(s.cuts.map((c) => Math.floor(c * s.totalSeconds)))].filter(
          (p) => p > 0 && p < s.totalSeconds,
        );
        const bounds = [0, ...points.sort((x, y) => x - y), s.totalSeconds];
        const intervals = bounds.slice(1).map((end, i) => usage(a, bounds[i] as number, end));
        const arrivals = [...intervals, ...s.duplicates.map((d) => intervals[d % intervals.length])]
          .filter((u) => u !== undefined)
          .map((u) => ({ kind: 'usage' as const, u }));
        for (let i = arrivals.length - 1; i > 0; i--) {
          const j = (s.order[i % s.order.length] ?? 0) % (i + 1);
          [arrivals[i], arrivals[j]] = [
            arrivals[j] as (typeof arrivals)[0],
            arrivals[i] as (typeof arrivals)[0],
          ];
        }
        const since = h.delivered('platform.billing.usage.metered');
        const order = [...arrivals] as (
          | { kind: 'usage'; u: (typeof intervals)[0] }
          | { kind: 'active' }
        )[];
        order.splice(s.activeAt % (order.length + 1), 0, { kind: 'active' });
        for (const item of order) {
          if (item.kind === 'active') await h.publish('gpuaas.provisioning.active', a);
          else await h.publish('platform.billing.usage.metered', item.u);
        }

        await h.waitDelivered('platform.billing.usage.metered', since, arrivals.length, 60_000);
        const lines = await h.waitForLines(a.user_id, a.allocation_id, intervals.length, 60_000);
        expect(lines).toHaveLength(intervals.length);
        const whole = rateSpan(BigInt(s.totalSeconds) * NS_PER_SECOND, {
          price_id: a.price_id,
          currency: 'USD',
          rate_micros_per_gpu_hour: s.rate,
          gpu_count: s.gpus,
          billing_increment_seconds: 60,
        });
        const charged = lines.reduce((n, l) => n + BigInt(l.amount_micros), 0n);
        expect(charged).toBe(whole);
        // The balance (sharded running totals) equals the sum of the account's postings.
        const balance = await h.ledger.userBalance(a.user_id, 'USD');
        const page = await h.ledger.listPostings(customerCreditAccount(a.user_id), { limit: 500 });
        const posted = page.postings.reduce(
          (n, p) => n + (p.direction === 'credit' ? p.amount_micros : -p.amount_micros),
          0,
        );
        expect(balance).toBe(-Number(whole));
        expect(posted).toBe(balance);
        await h.expectLedgerHolds();
      }),
      { numRuns: 4, endOnFailure: true },
    );
    console.log('retries by reason during the property run:', h.retries());
  }, 600_000);
});
