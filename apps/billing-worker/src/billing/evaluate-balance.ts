import type { Firestore, Transaction } from '@google-cloud/firestore';
import type { Emit, TransactResult } from '@gpuaas/eventing';
import { customerCreditAccount, LedgerError } from '@gpuaas/ledger';
import type { Logger } from 'pino';
import { balancePolicy } from '../config';
import {
  type BalanceObservation,
  type BalanceStateName,
  decideBalance,
  INITIAL_BALANCE_STATE,
} from '../domain/balance-state';
import { burnRate } from '../domain/projection';
import {
  readBalanceState,
  type StoredBalanceState,
  writeBalanceState,
} from '../store/balance-states';
import { ledgerFor } from '../store/ledger';
import { openWindows } from '../store/usage-windows';
import type { BillingContext } from './billing-context';
import { emitBalanceEvents } from './emit-balance-events';

/** A producer transaction: `ctx.transact` in a follow-up, `runtime.producer.transact` in a task. */
export type Transact = <R>(
  body: (tx: Transaction, emit: Emit) => Promise<R>,
) => Promise<TransactResult<R>>;

export type EvaluationResult =
  | { outcome: 'skipped'; reason: 'currency_not_billed' | 'account_refused' }
  | { outcome: 'unchanged'; reason: 'stale_observation' | 'no_transition' }
  | { outcome: 'transitioned'; state: BalanceStateName; emitted: string[] };

/**
 * The balance in one snapshot with its postings count, the open windows burning it, and the
 * stored state, read at once (one round trip's time).
 */
async function observe(
  firestore: Firestore,
  context: BillingContext,
  userId: string,
  currency: string,
): Promise<{ observation: BalanceObservation; stored: StoredBalanceState | undefined }> {
  const ledger = ledgerFor(firestore, context.settings.ledgerCollectionPrefix);
  const [totals, windows, stored] = await Promise.all([
    ledger.totals(customerCreditAccount(userId), currency),
    openWindows(firestore, userId, currency),
    readBalanceState(firestore, userId, currency),
  ]);
  const observation: BalanceObservation = {
    user_id: userId,
    currency,
    balance_micros: totals.balance_micros,
    postings: totals.postings,
    burn_rate_micros_per_hour: burnRate(windows.flatMap((w) => (w.price ? [w.price] : []))),
    active_allocation_ids: windows.map((w) => w.allocation_id).sort(),
    at: context.now(),
  };
  return { observation, stored };
}

/**
 * Runs the balance state machine for one user and currency. The balance is read outside any
 * transaction (a read inside would lock the ledger shards every charge increments); the state
 * document is decided on first without a transaction, and only a transition opens one, which
 * decides again on the document it read. So it is idempotent and safe to race: a duplicate, a
 * concurrent evaluation or a stale observation commits nothing twice.
 */
export async function evaluateBalance(
  firestore: Firestore,
  context: BillingContext,
  transact: Transact,
  key: { user_id: string; currency: string },
  log: Logger,
): Promise<EvaluationResult> {
  if (!context.settings.currencies.includes(key.currency)) {
    return { outcome: 'skipped', reason: 'currency_not_billed' };
  }
  let observed: Awaited<ReturnType<typeof observe>>;
  try {
    observed = await observe(firestore, context, key.user_id, key.currency);
  } catch (error) {
    if (!(error instanceof LedgerError)) throw error;
    log.warn({ err: error, user_id: key.user_id }, 'balance not evaluated: account refused');
    return { outcome: 'skipped', reason: 'account_refused' };
  }
  const { observation, stored } = observed;
  const policy = balancePolicy(context.settings, key.currency);
  const first = decideBalance(stored?.state ?? INITIAL_BALANCE_STATE, observation, policy);
  if (!first.changed) return { outcome: 'unchanged', reason: first.reason };

  const { result } = await transact(async (tx, emit): Promise<EvaluationResult> => {
    const current = await readBalanceState(firestore, key.user_id, key.currency, tx);
    const decision = decideBalance(current?.state ?? INITIAL_BALANCE_STATE, observation, policy);
    if (!decision.changed) return { outcome: 'unchanged', reason: decision.reason };
    writeBalanceState(tx, firestore, key, decision.next, (current?.version ?? 0) + 1);
    const emitted = emitBalanceEvents(emit, key, decision.emits);
    return { outcome: 'transitioned', state: decision.next.state, emitted };
  });
  if (result.outcome === 'transitioned') {
    log.info(
      {
        user_id: key.user_id,
        currency: key.currency,
        state: result.state,
        emitted: result.emitted,
      },
      'balance state changed',
    );
  }
  return result;
}
