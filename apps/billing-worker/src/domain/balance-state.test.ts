import { latestVersion, validatePayload } from '@gpuaas/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BalanceDecision,
  type BalanceEmit,
  type BalanceObservation,
  type BalancePolicy,
  type BalanceState,
  decideBalance,
  INITIAL_BALANCE_STATE,
} from './balance-state';

const policy: BalancePolicy = {
  threshold_micros: 1_000_000,
  lead_seconds: 900,
  rearm_ratio_bp: 11_000,
};
// 3.6 units an hour = 1,000 micros a second: 900,000 micros last the 15-minute lead exactly.
const BURN = 3_600_000;
const T0 = Date.parse('2026-05-01T10:00:00Z');

let postings = 0;
const seen = (balance: number, options: Partial<BalanceObservation> = {}): BalanceObservation => {
  postings += 1;
  return {
    user_id: 'user-1',
    currency: 'USD',
    balance_micros: balance,
    postings,
    burn_rate_micros_per_hour: BURN,
    active_allocation_ids: ['alloc-1'],
    at: new Date(T0 + postings * 1000),
    ...options,
  };
};

/** Runs observations through the machine, applying each change as the store would. */
function run(observations: BalanceObservation[], start: BalanceState = INITIAL_BALANCE_STATE) {
  let state = start;
  const emits: BalanceEmit[] = [];
  const states: string[] = [];
  for (const o of observations) {
    const d = decideBalance(state, o, policy);
    if (d.changed) {
      state = d.next;
      emits.push(...d.emits);
      states.push(state.state);
    }
  }
  return { state, emits, states, types: emits.map((e) => e.eventType.split('.').at(-1)) };
}

function expectValid(emits: BalanceEmit[]) {
  for (const e of emits) {
    expect(validatePayload(e.eventType, latestVersion(e.eventType), e.payload)).toEqual([]);
  }
}

/**
 * What must be unique: a warning per episode, a pending notice per approach and projection (its
 * catalog key), a depletion per window.
 */
function keyOf(e: BalanceEmit, after: BalanceState): string {
  const p = e.payload as Record<string, unknown>;
  switch (e.eventType) {
    case 'platform.billing.low_balance_warning':
      return `low:${p.threshold_window}`;
    case 'platform.billing.auto_release_pending':
      return `pending:${after.episode_id}:${after.window_id}:${p.projected_depletion_at}`;
    case 'platform.billing.balance_depleted':
      return `depleted:${p.depleted_at}`;
    default:
      return `force:${p.window_id}`;
  }
}

describe('balance state machine', () => {
  it('walks ok → low → pending_auto_release → depleted, each event once, in order', () => {
    const r = run([
      seen(3_000_000),
      seen(2_000_000),
      seen(1_000_000), // = threshold: low
      seen(950_000),
      seen(900_000), // 15 minutes left: pending
      seen(300_000), // sooner, at the same burn: nothing new to announce
      seen(0), // depleted
      seen(-60_000),
      seen(-120_000),
    ]);
    expect(r.states).toEqual(['low', 'pending_auto_release', 'depleted']);
    expect(r.types).toEqual([
      'low_balance_warning',
      'auto_release_pending',
      'balance_depleted',
      'force_release_requested',
    ]);
    expectValid(r.emits);
    const [warning, pending, depleted, force] = r.emits;
    expect(warning?.payload).toMatchObject({
      threshold_window: r.state.episode_id,
      balance_micros: 1_000_000,
      threshold_micros: 1_000_000,
      burn_rate_micros_per_hour: BURN,
    });
    expect(pending?.payload).toMatchObject({ balance_micros: 900_000, lead_seconds: 900 });
    expect(pending?.payload).toHaveProperty(
      'projected_depletion_at',
      expect.stringMatching(/:00Z$/),
    );
    expect(depleted?.payload).toMatchObject({
      balance_micros: 0,
      active_allocation_ids: ['alloc-1'],
    });
    expect(force?.payload).toMatchObject({
      window_id: r.state.window_id,
      reason: 'balance_depleted',
      allocation_ids: ['alloc-1'],
    });
  });

  it('warns once while the balance hovers around the threshold', () => {
    const idle = { burn_rate_micros_per_hour: 0, active_allocation_ids: [] };
    const r = run(
      [999_999, 1_000_001, 1_000_000, 1_100_000, 999_000, 1_050_000, 1_000_000].map((b) =>
        seen(b, idle),
      ),
    );
    // 1,100,000 is threshold × 1.1 exactly: not above it, so no re-arm.
    expect(r.types).toEqual(['low_balance_warning']);
    expect(r.state.state).toBe('low');
  });

  it('re-arms above threshold × ratio with a new episode id', () => {
    const idle = { burn_rate_micros_per_hour: 0, active_allocation_ids: [] };
    const first = run([seen(900_000, idle)]);
    const rearmed = run([seen(1_100_001, idle)], first.state);
    expect(rearmed.state.state).toBe('ok');
    const again = run([seen(800_000, idle)], rearmed.state);
    expect(again.types).toEqual(['low_balance_warning']);
    expect(again.state.episode_id).not.toBe(first.state.episode_id);
    expect(again.emits[0]?.payload).toMatchObject({ threshold_window: again.state.episode_id });
  });

  it('does not re-arm while depletion stays within lead × ratio', () => {
    // 2,000,000 lasts 2,000 s at 1,000/s: beyond the lead (900 s), but only re-arms beyond 990 s.
    const fast = { burn_rate_micros_per_hour: BURN * 2 }; // 2,000/s: 1,000 s left at 2,000,000
    const r = run([seen(500_000), seen(2_000_000, fast)]);
    expect(r.state.state).toBe('ok');
    const slow = run([seen(500_000), seen(1_500_000, { burn_rate_micros_per_hour: BURN * 2 })]);
    expect(slow.state.state).toBe('pending_auto_release');
  });

  it('announces a pending release again when a higher burn brings depletion a third of the lead sooner', () => {
    // 1,200,000 at 1,000/s lasts 1,200 s (beyond the 900 s lead); 800,000 lasts 800 s: pending.
    const pending = run([seen(1_200_000), seen(800_000)]);
    expect(pending.types).toEqual(['low_balance_warning', 'auto_release_pending']);
    // The estimate drifts a little sooner (10 s of 800): nothing new to say.
    const drift = run([seen(790_000)], pending.state);
    expect(drift.types).toEqual([]);
    // A second allocation starts: twice the burn, 395 s left instead of ~790 s: told again.
    const second = { burn_rate_micros_per_hour: BURN * 2, active_allocation_ids: ['a1', 'a2'] };
    const sooner = run([seen(790_000, second)], pending.state);
    expect(sooner.types).toEqual(['auto_release_pending']);
    const [notice] = sooner.emits as { payload: Record<string, unknown> }[];
    expect(notice?.payload).toMatchObject({ active_allocation_ids: ['a1', 'a2'] });
    expect(Date.parse(notice?.payload.projected_depletion_at as string)).toBeLessThan(
      Date.parse(pending.state.auto_release_projected_at as string),
    );
    // Depletion moving later (an allocation released) is not announced.
    const later = run([seen(780_000)], sooner.state);
    expect(later.types).toEqual([]);
    // A burst of charges at the same burn (a backlog drained): much sooner, but nothing new.
    const burst = run([seen(300_000)], pending.state);
    expect(burst.types).toEqual([]);
    expectValid(sooner.emits);
  });

  it('a jump from ok to ≤ 0 sends the warning first, then the depletion', () => {
    const r = run([seen(5_000_000), seen(-10)]);
    expect(r.types).toEqual(['low_balance_warning', 'balance_depleted', 'force_release_requested']);
    expectValid(r.emits);
  });

  it('a small credit ends the depletion window; the next ≤ 0 opens a new one', () => {
    const r = run([seen(500_000), seen(-5)]);
    const credited = run([seen(400_000)], r.state);
    expect(credited.state.state).toBe('pending_auto_release'); // 400 s left: within the lead
    expect(credited.types).toEqual(['auto_release_pending']);
    expect(credited.state.episode_id).toBe(r.state.episode_id);
    const again = run([seen(-1), seen(-2)], credited.state);
    expect(again.types).toEqual(['balance_depleted', 'force_release_requested']);
    expect(again.state.window_id).not.toBe(r.state.window_id);
  });

  it('ignores a stale observation and repeats nothing on the same one', () => {
    const low = run([seen(900_000)]);
    const older = seen(-5);
    const newer = seen(5_000_000, { burn_rate_micros_per_hour: 0 });
    const rearmed = decideBalance(low.state, newer, policy) as Extract<
      BalanceDecision,
      { changed: true }
    >;
    expect(rearmed.next.state).toBe('ok');
    expect(decideBalance(rearmed.next, older, policy)).toEqual({
      changed: false,
      reason: 'stale_observation',
    });
    expect(decideBalance(rearmed.next, newer, policy)).toEqual({
      changed: false,
      reason: 'no_transition',
    });
  });

  it('keeps ids distinct when two episodes start within one millisecond', () => {
    const at = new Date(T0);
    const idle = { burn_rate_micros_per_hour: 0, at };
    const a = run([seen(1, idle), seen(2_000_000, idle), seen(1, idle)]);
    expect(a.types).toEqual(['low_balance_warning', 'low_balance_warning']);
    const ids = a.emits.map((e) => (e.payload as { threshold_window: string }).threshold_window);
    expect(new Set(ids).size).toBe(2);
  });

  it('over random balance walks: each warning once per episode, each depletion once per window', () => {
    const step = fc.record({
      delta: fc.integer({ min: -700_000, max: 500_000 }),
      burn: fc.constantFrom(0, BURN, BURN * 10),
      advanceMs: fc.integer({ min: 0, max: 600_000 }),
      repeat: fc.boolean(),
      stale: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 4_000_000 }),
        fc.array(step, { maxLength: 60 }),
        (start, steps) => {
          let state = INITIAL_BALANCE_STATE;
          const keys: string[] = [];
          let balance = start;
          let count = 1;
          let time = T0;
          const emitted: BalanceEmit[] = [];
          const history: BalanceObservation[] = [];
          for (const s of steps) {
            balance += s.delta;
            count += 1;
            time += s.advanceMs;
            const o: BalanceObservation = {
              user_id: 'u',
              currency: 'USD',
              balance_micros: balance,
              postings: count,
              burn_rate_micros_per_hour: s.burn,
              active_allocation_ids: [],
              at: new Date(time),
            };
            history.push(o);
            const batch = [
              o,
              ...(s.repeat ? [o] : []),
              ...(s.stale && history.length > 2 ? [history[0] as BalanceObservation] : []),
            ];
            for (const obs of batch) {
              const d = decideBalance(state, obs, policy);
              if (!d.changed) continue;
              state = d.next;
              emitted.push(...d.emits);
              for (const e of d.emits) keys.push(keyOf(e, state));
            }
            const again = decideBalance(state, o, policy);
            expect(again.changed).toBe(false);
            // The state agrees with the balance it last saw.
            if (balance <= 0) expect(state.state).toBe('depleted');
            if (state.state === 'ok') expect(balance).toBeGreaterThan(policy.threshold_micros);
          }
          expect(new Set(keys).size).toBe(keys.length);
          expectValid(emitted);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
