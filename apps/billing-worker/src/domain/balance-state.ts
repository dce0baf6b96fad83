import type { PayloadOf } from '@gpuaas/contracts';
import { formatInstant, instantOf, NS_PER_MS } from './instants';
import { projectedDepletionMs } from './projection';

export type BalanceStateName = 'ok' | 'low' | 'pending_auto_release' | 'depleted';

/**
 * A user's balance state in one currency. It changes only on transitions, and its ids make each
 * warning once per episode: `episode_id` is the low-balance episode (from leaving `ok` to the
 * re-arm; `threshold_window`), `window_id` the depletion window (from ≤ 0 until a credit lifts it).
 * In `ok` they keep the last episode's and window's ids, so the next ones are told apart.
 */
export interface BalanceState {
  state: BalanceStateName;
  episode_id: string | null;
  warned_at: string | null;
  /** The projected depletion `auto_release_pending` was sent for since the last depletion. */
  auto_release_projected_at: string | null;
  /** The burn rate that projection was made at (absent on states stored before it was kept). */
  auto_release_burn_rate?: number | null;
  window_id: string | null;
  depleted_at: string | null;
  /** Ledger postings behind the last transition: an observation with fewer is stale. */
  observed_postings: number;
}

export const INITIAL_BALANCE_STATE: BalanceState = {
  state: 'ok',
  episode_id: null,
  warned_at: null,
  auto_release_projected_at: null,
  auto_release_burn_rate: null,
  window_id: null,
  depleted_at: null,
  observed_postings: 0,
};

/** What one evaluation saw: the ledger balance with its postings count, and the open windows. */
export interface BalanceObservation {
  user_id: string;
  currency: string;
  balance_micros: number;
  postings: number;
  burn_rate_micros_per_hour: number;
  active_allocation_ids: string[];
  at: Date;
}

export interface BalancePolicy {
  threshold_micros: number;
  lead_seconds: number;
  /** Re-arm above threshold × ratio (and depletion beyond lead × ratio), in basis points. */
  rearm_ratio_bp: number;
}

type Emitted =
  | 'platform.billing.low_balance_warning'
  | 'platform.billing.auto_release_pending'
  | 'platform.billing.balance_depleted'
  | 'gpuaas.provisioning.force_release_requested';

export type BalanceEmit = {
  [E in Emitted]: { eventType: E; payload: PayloadOf<E> };
}[Emitted];

export type BalanceDecision =
  | { changed: false; reason: 'stale_observation' | 'no_transition' }
  | { changed: true; next: BalanceState; emits: BalanceEmit[] };

const BP = 10_000n;
const MS_PER_HOUR = 3_600_000n;

/** A new id at `at`, strictly after the previous one so two episodes never share an id. */
function nextId(at: Date, previous: string | null): string {
  const now = BigInt(at.getTime()) * NS_PER_MS;
  const last = previous === null ? null : instantOf(previous);
  return formatInstant(last !== null && last >= now ? last + NS_PER_MS : now);
}

const iso = (ms: number) => formatInstant(BigInt(ms) * NS_PER_MS);

/**
 * The balance state machine, `(state, observation) → next state and its events`:
 * `ok → low` warns once per episode, a projected depletion within the lead time sends
 * `auto_release_pending`, `≤ 0` sends `balance_depleted` and `force_release_requested` once per
 * depletion window, and a balance above threshold × ratio (depletion not imminent) re-arms.
 * Skipped steps are sent in order (a jump from `ok` to `≤ 0` warns first); an observation older
 * than the one behind the last transition changes nothing.
 */
export function decideBalance(
  current: BalanceState,
  observation: BalanceObservation,
  policy: BalancePolicy,
): BalanceDecision {
  if (observation.postings < current.observed_postings) {
    return { changed: false, reason: 'stale_observation' };
  }
  const { balance_micros: balance, burn_rate_micros_per_hour: burn, at } = observation;
  const nowMs = at.getTime();
  const projected = projectedDepletionMs(balance, burn, nowMs);
  const leadMs = BigInt(policy.lead_seconds) * 1000n;
  const ratio = BigInt(policy.rearm_ratio_bp);
  // Decided on the exact time left; the floored time goes into the payloads (their key).
  const leftMs = burn > 0 ? (BigInt(Math.max(balance, 0)) * MS_PER_HOUR) / BigInt(burn) : null;
  const imminent = leftMs !== null && leftMs <= leadMs;
  const comfortable = leftMs === null || leftMs * BP > leadMs * ratio;
  const rearm = BigInt(balance) * BP > BigInt(policy.threshold_micros) * ratio && comfortable;
  const low = balance <= policy.threshold_micros;
  const now = iso(nowMs);

  const next: BalanceState = { ...current, observed_postings: observation.postings };
  const emits: BalanceEmit[] = [];
  const base = { user_id: observation.user_id, currency: observation.currency };
  const openEpisode = () => {
    next.episode_id = nextId(at, current.episode_id);
    next.warned_at = null;
    next.auto_release_projected_at = null;
    next.auto_release_burn_rate = null;
  };
  const warn = () => {
    next.warned_at = now;
    emits.push({
      eventType: 'platform.billing.low_balance_warning',
      payload: {
        ...base,
        threshold_window: next.episode_id as string,
        balance_micros: balance,
        threshold_micros: policy.threshold_micros,
        burn_rate_micros_per_hour: burn,
        projected_depletion_at: projected === null ? null : iso(projected),
        crossed_at: now,
      },
    });
  };

  if (balance <= 0) {
    if (current.state === 'depleted') return { changed: false, reason: 'no_transition' };
    if (current.state === 'ok') openEpisode();
    if (next.warned_at === null) warn();
    const windowId = nextId(at, current.window_id);
    next.state = 'depleted';
    next.window_id = windowId;
    next.depleted_at = windowId;
    emits.push(
      {
        eventType: 'platform.billing.balance_depleted',
        payload: {
          ...base,
          depleted_at: windowId,
          balance_micros: balance,
          active_allocation_ids: observation.active_allocation_ids,
        },
      },
      {
        eventType: 'gpuaas.provisioning.force_release_requested',
        payload: {
          ...base,
          window_id: windowId,
          reason: 'balance_depleted',
          depleted_at: windowId,
          balance_micros: balance,
          allocation_ids: observation.active_allocation_ids,
          requested_at: now,
        },
      },
    );
    return { changed: true, next, emits };
  }

  if (current.state === 'ok') {
    if (!low && !imminent) return { changed: false, reason: 'no_transition' };
    openEpisode();
    next.state = 'low';
  } else if (rearm) {
    next.state = 'ok';
    return { changed: true, next, emits };
  } else if (current.state === 'depleted') {
    // A credit ended the depletion window without re-arming: the episode goes on.
    next.state = 'low';
    next.auto_release_projected_at = null;
    next.auto_release_burn_rate = null;
  }

  if (low && next.warned_at === null) warn();
  // Announced once per approach, and again when more allocations burn the balance and bring the
  // depletion materially sooner than the user was told: a higher burn rate and a third of the
  // lead earlier (at least a minute). Never for the estimate's drift, nor for charges that arrive
  // in a burst at the same burn (a backlog drained).
  const announced = next.auto_release_projected_at;
  const announcedBurn = next.auto_release_burn_rate ?? null;
  const reannounceMs = Math.max(60_000, (policy.lead_seconds * 1000) / 3);
  const sooner =
    announced !== null &&
    projected !== null &&
    announcedBurn !== null &&
    burn > announcedBurn &&
    Date.parse(announced) - projected >= reannounceMs;
  if (imminent && projected !== null && (announced === null || sooner)) {
    next.auto_release_projected_at = iso(projected);
    next.auto_release_burn_rate = burn;
    emits.push({
      eventType: 'platform.billing.auto_release_pending',
      payload: {
        ...base,
        balance_micros: balance,
        burn_rate_micros_per_hour: burn,
        projected_depletion_at: iso(projected),
        lead_seconds: policy.lead_seconds,
        active_allocation_ids: observation.active_allocation_ids,
      },
    });
  }
  next.state = next.auto_release_projected_at === null ? 'low' : 'pending_auto_release';
  if (next.state === current.state && emits.length === 0) {
    return { changed: false, reason: 'no_transition' };
  }
  return { changed: true, next, emits };
}
