import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instantOf, NS_PER_SECOND } from './instants';
import {
  amountForSeconds,
  billedSecondsThrough,
  type PriceSnapshot,
  RatingError,
  type RatingWindow,
  rateInterval,
  rateSpan,
} from './rating';

const price = (overrides: Partial<PriceSnapshot> = {}): PriceSnapshot => ({
  price_id: 'price_h100',
  rate_micros_per_gpu_hour: 3_600_000,
  currency: 'USD',
  gpu_count: 1,
  billing_increment_seconds: 60,
  ...overrides,
});
const start = instantOf('2026-01-01T00:00:00Z');
const at = (seconds: number) => start + BigInt(seconds) * NS_PER_SECOND;
const windowOf = (p: PriceSnapshot, stop: RatingWindow['stop'] = null): RatingWindow => ({
  startedAt: start,
  price: p,
  stop,
});

describe('rating', () => {
  it('bills whole increments, rounded up, at rate × gpu_count per hour', () => {
    expect(billedSecondsThrough(61n * NS_PER_SECOND, 60)).toBe(120n);
    expect(billedSecondsThrough(1n, 1)).toBe(1n);
    expect(billedSecondsThrough(0n, 60)).toBe(0n);
    // 2 GPUs at 3.60/h for 120 s: 240,000 micros.
    expect(amountForSeconds(120n, price({ gpu_count: 2 }))).toBe(240_000n);
    // 1 s at 1 micro/h rounds up to 1 micro.
    expect(amountForSeconds(1n, price({ rate_micros_per_gpu_hour: 1 }))).toBe(1n);
  });

  it('charges an interval as a difference of the window rating', () => {
    const w = windowOf(price());
    const first = rateInterval(w, { start: at(0), end: at(30) });
    expect(first).toMatchObject({ billed_seconds: 60, amount_micros: 60_000 });
    // The rest of the first minute was billed already.
    const second = rateInterval(w, { start: at(30), end: at(60) });
    expect(second).toMatchObject({
      billed_seconds: 0,
      amount_micros: 0,
      no_charge_reason: 'covered_by_billed_increment',
    });
    const third = rateInterval(w, { start: at(60), end: at(61) });
    expect(third).toMatchObject({ billed_seconds: 60, amount_micros: 60_000 });
  });

  it('stops at the billing stop and says so', () => {
    const stop = { at: at(90), reason: 'release_failed' as const };
    const w = windowOf(price({ billing_increment_seconds: 1 }), stop);
    const across = rateInterval(w, { start: at(60), end: at(120) });
    expect(across).toMatchObject({ billed_seconds: 30, amount_micros: 30_000, stopped: stop });
    expect(across.charged_until).toBe(at(90));
    const past = rateInterval(w, { start: at(120), end: at(180) });
    expect(past).toMatchObject({
      billed_seconds: 0,
      amount_micros: 0,
      stopped: stop,
      no_charge_reason: 'past_billing_stop',
    });
    const before = rateInterval(w, { start: at(0), end: at(60) });
    expect(before).toMatchObject({ amount_micros: 60_000, stopped: null });
  });

  it('keeps products past 2^53 exact', () => {
    // 30 days of 8 GPUs at 1,000,000 units/h: the product is ~2e19, the amount ~5.8e15.
    const p = price({
      rate_micros_per_gpu_hour: 1_000_000_000_000,
      gpu_count: 8,
      billing_increment_seconds: 1,
    });
    const seconds = 30 * 86_400;
    expect(rateSpan(BigInt(seconds) * NS_PER_SECOND, p)).toBe(5_760_000_000_000_000n);
    const charge = rateInterval(windowOf(p), { start: at(0), end: at(seconds) });
    expect(charge.amount_micros).toBe(5_760_000_000_000_000);
  });

  it('refuses a reversed interval and an amount past 2^53', () => {
    expect(() => rateInterval(windowOf(price()), { start: at(10), end: at(5) })).toThrow(
      RatingError,
    );
    const huge = price({ rate_micros_per_gpu_hour: Number.MAX_SAFE_INTEGER, gpu_count: 8 });
    expect(() => rateInterval(windowOf(huge), { start: at(0), end: at(7200) })).toThrow(
      /amount_out_of_range/,
    );
  });

  it('any split of a window, in any order, with duplicates, adds up to the rating of the whole window', () => {
    const scenario = fc
      .record({
        increment: fc.constantFrom(1, 60),
        rate: fc.integer({ min: 0, max: 50_000_000_000 }),
        gpus: fc.integer({ min: 1, max: 8 }),
        // Up to 3 days, to the nanosecond.
        total: fc.bigInt({ min: 0n, max: 3n * 86_400n * NS_PER_SECOND }),
        cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 25 }),
        stopAt: fc.option(fc.double({ min: 0, max: 1.2, noNaN: true })),
        order: fc.array(fc.nat(), { maxLength: 26 }),
        duplicates: fc.array(fc.nat(), { maxLength: 10 }),
      })
      .map((s) => {
        const scale = 1_000_000n;
        const points = [
          ...new Set(s.cuts.map((c) => (s.total * BigInt(Math.floor(c * 1e6))) / scale)),
        ].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const bounds = [0n, ...points.filter((p) => p > 0n && p < s.total), s.total];
        const intervals = bounds.slice(1).map((end, i) => ({
          start: start + (bounds[i] as bigint),
          end: start + end,
        }));
        // A random permutation: arrival order must not matter.
        const shuffled = [...intervals];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = (s.order[i] ?? 0) % (i + 1);
          [shuffled[i], shuffled[j]] = [
            shuffled[j] as (typeof shuffled)[0],
            shuffled[i] as (typeof shuffled)[0],
          ];
        }
        const stop =
          s.stopAt === null
            ? null
            : {
                at: start + (s.total * BigInt(Math.floor(s.stopAt * 1e6))) / scale,
                reason: 'release_failed' as const,
              };
        // Redeliveries: copies of random intervals, anywhere in the arrival order.
        for (const d of s.duplicates) {
          const copy = intervals[d % intervals.length];
          if (copy) shuffled.splice(d % (shuffled.length + 1), 0, { ...copy });
        }
        return { ...s, intervals: shuffled, stop };
      });
    fc.assert(
      fc.property(scenario, (s) => {
        const p = price({
          rate_micros_per_gpu_hour: s.rate,
          gpu_count: s.gpus,
          billing_increment_seconds: s.increment,
        });
        const w = windowOf(p, s.stop);
        let total = 0n;
        let billed = 0n;
        // Keyed like usage_event_id (resource + interval start): a redelivery is charged once.
        const charged = new Map<bigint, ReturnType<typeof rateInterval>>();
        for (const interval of s.intervals) {
          const charge = rateInterval(w, interval);
          expect(charge.amount_micros).toBeGreaterThanOrEqual(0);
          expect(charge.billed_through_seconds % s.increment).toBe(0);
          const first = charged.get(interval.start);
          if (first) {
            // Rating is a function of the interval: a duplicate rates identically (same fingerprint).
            expect(charge).toEqual(first);
            continue;
          }
          charged.set(interval.start, charge);
          total += BigInt(charge.amount_micros);
          billed += BigInt(charge.billed_seconds);
        }
        const span = s.stop && s.stop.at - start < s.total ? s.stop.at - start : s.total;
        expect(total).toBe(rateSpan(span, p));
        expect(billed).toBe(billedSecondsThrough(span, s.increment));
      }),
      { numRuns: 5_000 },
    );
  });
});
