import { defineRoute, invalidInput } from '@gpuaas/http-api';
import { balancePolicy } from '../config';
import { formatInstant, NS_PER_MS } from '../domain/instants';
import { burnRate, projectedDepletionMs } from '../domain/projection';
import { readBalanceState } from '../store/balance-states';
import { readCreditSummary } from '../store/credits';
import { openWindows } from '../store/usage-windows';
import type { RouteDeps } from './route-deps';
import { type Balance, BalanceQuery, Balances } from './schemas';
import { subjectUser } from './subject-user';

async function balanceOf(deps: RouteDeps, userId: string, currency: string): Promise<Balance> {
  const [balance, stored, windows, credit] = await Promise.all([
    deps.ledger.userBalance(userId, currency),
    readBalanceState(deps.firestore, userId, currency),
    openWindows(deps.firestore, userId, currency),
    readCreditSummary(deps.firestore, userId, currency),
  ]);
  const burn = burnRate(windows.flatMap((w) => (w.price ? [w.price] : [])));
  const projected = projectedDepletionMs(balance, burn, deps.context.now().getTime());
  return {
    currency,
    balance_micros: balance,
    state: stored?.state.state ?? 'ok',
    low_balance_threshold_micros: balancePolicy(deps.context.settings, currency).threshold_micros,
    episode_id: stored?.state.episode_id ?? null,
    depletion_window_id: stored?.state.window_id ?? null,
    burn_rate_micros_per_hour: burn,
    projected_depletion_at:
      projected === null ? null : formatInstant(BigInt(projected) * NS_PER_MS),
    active_allocation_ids: windows.map((w) => w.allocation_id).sort(),
    last_credit: credit
      ? {
          amount_micros: credit.last_amount_micros,
          credited_at: credit.last_credited_at,
          stripe_event_id: credit.last_stripe_event_id,
        }
      : null,
  };
}

export const getBalance = (deps: RouteDeps) =>
  defineRoute({
    method: 'GET',
    path: '/v1/balance',
    summary: 'Your balance and balance state, per billed currency',
    description:
      'The balance is derived from the ledger at request time; the state is the low-balance machine (ok, low, pending_auto_release, depleted).',
    tags: ['billing'],
    auth: 'user_or_operator',
    query: BalanceQuery,
    responses: { 200: Balances },
    async handler({ query, principal }) {
      const userId = await subjectUser(principal, query.user_id, deps.registry);
      const billed = deps.context.settings.currencies;
      if (query.currency !== undefined && !billed.includes(query.currency)) {
        throw invalidInput('query', '/currency', `${query.currency} is not a billed currency`);
      }
      const currencies = query.currency === undefined ? billed : [query.currency];
      const balances = await Promise.all(currencies.map((c) => balanceOf(deps, userId, c)));
      return { status: 200, body: { user_id: userId, balances } };
    },
  });
