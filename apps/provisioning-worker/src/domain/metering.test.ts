import {
  type Allocation,
  type AllocationTransition,
  applyTransitions,
  msOf,
} from '@gpuaas/allocations';
import type { BillingUsageMetered } from '@gpuaas/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activeAllocation } from '../../test/allocation-fixtures';
import { eventsOf } from './events';
import { intervalBetween, nextInterval } from './metering';

const START = Date.parse('2026-03-01T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** One meter tick: its clock, and whether it decided on a stale read (a concurrent tick). */
interface Tick {
  atMs: number;
  stale: boolean;
}

/** Plays ticks, the close and ticks after it as the meter task and the release would. */
function play(options: {
  startedAtMs: number;
  gpuCount: number;
  increment: 1 | 60;
  ticks: Tick[];
  closeAtMs: number;
  close: 'released' | 'release_failed';
  after: number[];
}) {
  let allocation: Allocation = activeAllocation(iso(options.startedAtMs), {
    gpu_count: options.gpuCount,
    price: {
      price_id: 'p',
      rate_micros_per_gpu_hour: 1,
      currency: 'USD',
      billing_increment_seconds: options.increment,
    },
  });
  const emitted: BillingUsageMetered[] = [];
  let previous = allocation;
  const commit = (steps: AllocationTransition[]) => {
    const result = applyTransitions(allocation, steps);
    if (!result.ok) return;
    for (const event of eventsOf(allocation, result.allocation)) {
      if (event.eventType === 'platform.billing.usage.metered') emitted.push(event.payload);
    }
    previous = allocation;
    allocation = result.allocation;
  };
  const tick = (atMs: number, stale: boolean) => {
    // A concurrent tick decided on the state before the last commit; the guard sees the current one.
    const seen = stale ? previous : allocation;
    if (!seen.metered_until) return;
    const interval = nextInterval(seen.metered_until, iso(atMs), options.increment);
    if (interval) commit([{ kind: 'meter', at: iso(atMs), through: interval.end }]);
  };
  for (const t of options.ticks) tick(t.atMs, t.stale);
  commit([
    {
      kind: 'begin_release',
      at: iso(options.closeAtMs),
      reason: 'user_requested',
      next_attempt_at: iso(options.closeAtMs),
      deadline_at: iso(options.closeAtMs + 900_000),
    },
    options.close === 'released'
      ? { kind: 'confirm_release', at: iso(options.closeAtMs) }
      : { kind: 'fail_release', at: iso(options.closeAtMs) },
  ]);
  for (const atMs of options.after) tick(atMs, false);
  return { allocation, emitted };
}

describe('metering intervals', () => {
  it('emits whole increments only, and nothing before one has elapsed', () => {
    const from = iso(START);
    expect(nextInterval(from, iso(START + 59_999), 60)).toBeNull();
    expect(nextInterval(from, iso(START + 150_500), 60)).toEqual({
      start: from,
      end: iso(START + 120_000),
      seconds: 120,
    });
    expect(nextInterval(from, iso(START + 150_500), 1)?.seconds).toBe(150);
    expect(nextInterval(from, iso(START - 5_000), 1)).toBeNull();
    expect(intervalBetween(from, from).seconds).toBe(0);
  });

  it('sums to (close − start) × gpu_count with no gap or overlap, whatever the tick timings', () => {
    const arbitrary = fc.record({
      startedAtMs: fc.integer({ min: START, max: START + 3_600_000 }),
      gpuCount: fc.integer({ min: 1, max: 8 }),
      increment: fc.constantFrom<1 | 60>(1, 60),
      // Offsets from the start: unordered (late ticks), repeated (a tick run twice), stale reads.
      ticks: fc.array(
        fc.record({
          offsetMs: fc.integer({ min: -5_000, max: 4 * 3_600_000 }),
          stale: fc.boolean(),
        }),
        { maxLength: 40 },
      ),
      closeOffsetMs: fc.integer({ min: 0, max: 5 * 3_600_000 }),
      close: fc.constantFrom<'released' | 'release_failed'>('released', 'release_failed'),
      after: fc.array(fc.integer({ min: 0, max: 6 * 3_600_000 }), { maxLength: 5 }),
    });
    fc.assert(
      fc.property(arbitrary, (input) => {
        const { allocation, emitted } = play({
          startedAtMs: input.startedAtMs,
          gpuCount: input.gpuCount,
          increment: input.increment,
          ticks: input.ticks.map((t) => ({ atMs: input.startedAtMs + t.offsetMs, stale: t.stale })),
          closeAtMs: input.startedAtMs + input.closeOffsetMs,
          close: input.close,
          after: input.after.map((offset) => input.startedAtMs + offset),
        });
        const startedAt = allocation.started_at as string;
        const closedAt = (allocation.released_at ?? allocation.release_failed_at) as string;
        expect(allocation.status).toBe(input.close);
        // Contiguous and non-overlapping, in emission order, from the start to the close.
        let cursor = startedAt;
        for (const interval of emitted) {
          expect(msOf(interval.interval_start)).toBe(msOf(cursor));
          expect(msOf(interval.interval_end)).toBeGreaterThanOrEqual(msOf(interval.interval_start));
          cursor = interval.interval_end;
        }
        expect(msOf(cursor)).toBe(msOf(closedAt));
        // Exactly one final interval, the last; every other one whole increments.
        expect(emitted.filter((i) => i.is_final)).toHaveLength(1);
        expect(emitted.at(-1)?.is_final).toBe(true);
        for (const interval of emitted.slice(0, -1)) {
          const seconds = (msOf(interval.interval_end) - msOf(interval.interval_start)) / 1000;
          expect(seconds % input.increment).toBe(0);
          expect(seconds).toBeGreaterThan(0);
        }
        const total = emitted.reduce((sum, i) => sum + i.quantity, 0);
        const windowSeconds = (msOf(closedAt) - msOf(startedAt)) / 1000;
        expect(total).toBe(windowSeconds * input.gpuCount);
        expect(allocation.billable_seconds).toBe(windowSeconds);
        expect(new Set(emitted.map((i) => i.usage_event_id)).size).toBe(emitted.length);
        // Nothing past the close, however late a tick runs.
        expect(emitted.every((i) => msOf(i.interval_end) <= msOf(closedAt))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
