import { Timestamp } from '@google-cloud/firestore';
import { invalidInput, ProblemError } from '@gpuaas/http-api';
import { LedgerError } from '@gpuaas/ledger';
import type { FailureResolution, ReconcileFailureRecord } from '../store/reconcile-failures';
import {
  emitBalanceCredited,
  type SessionCredit,
  sessionCreditTransaction,
  supersedeNotPaid,
} from './credit-writes';
import { failureClosed, failureNotFound } from './failure-problems';
import type { PaymentsContext } from './payments-context';

export interface ManualCreditInput {
  failureId: string;
  operator: string;
  reason: string;
  /** Default: the failure's user, amount and currency (what Stripe collected). */
  userId?: string;
  amountMicros?: number;
  currency?: string;
  /** `stripe_clearing` (the money came through Stripe, the default) or `credit_grants`. */
  fundingAccount?: 'stripe_clearing' | 'credit_grants';
}

/**
 * Resolves a failure by crediting its session by hand: the ledger credit (id = the session id,
 * so the session is never credited twice), the session record, the failure's resolution, the
 * audit entry naming the operator and `balance_credited`, in one producer transaction.
 */
export async function creditFailure(
  context: PaymentsContext,
  input: ManualCreditInput,
): Promise<ReconcileFailureRecord> {
  const { store, ledger } = context;
  const known = await store.failures.get(input.failureId);
  if (!known) throw failureNotFound(input.failureId);
  // Checked again in the transaction; here so a closed failure is a 409, not a missing field.
  if (known.status !== 'open') throw failureClosed(known);
  if (known.livemode !== context.livemode) {
    throw new ProblemError(
      409,
      'livemode_mismatch',
      `${input.failureId} is a ${known.livemode ? 'live' : 'test'} mode payment: dismiss it`,
    );
  }
  const userId = input.userId ?? known.user_id;
  if (userId === undefined) {
    throw invalidInput('body', '/user_id', 'the failure names no user: say whom to credit');
  }
  const amountMicros = input.amountMicros ?? known.observed_amount_micros;
  if (amountMicros === undefined) {
    throw invalidInput('body', '/amount_micros', 'the failure carries no amount: say how much');
  }
  const currency = input.currency ?? known.currency;
  if (currency === undefined) {
    throw invalidInput('body', '/currency', 'the failure carries no currency: say which');
  }
  if (!context.currencies.includes(currency)) {
    throw invalidInput(
      'body',
      '/currency',
      `${currency} is not a currency the platform bills (${context.currencies.join(', ')}): say which`,
    );
  }
  if (!(await context.users.exists(userId))) {
    throw invalidInput('body', '/user_id', `no user ${userId}`);
  }
  const credit: SessionCredit = {
    sessionId: known.payment_session_id,
    stripeEventId: known.stripe_event_id,
    ...(known.payment_intent_id ? { paymentIntentId: known.payment_intent_id } : {}),
    userId,
    amountMicros,
    currency,
    livemode: known.livemode,
    fundingAccount: input.fundingAccount ?? 'stripe_clearing',
  };

  const { result } = await context.producer.transact(
    async (tx, emit) => {
      const now = context.now();
      const at = Timestamp.fromDate(now);
      const failure = await store.failures.read(tx, input.failureId);
      if (!failure) throw failureNotFound(input.failureId);
      if (failure.status !== 'open') throw failureClosed(failure);
      const credited = await store.sessions.read(tx, credit.sessionId);
      if (credited) {
        throw new ProblemError(
          409,
          'session_already_credited',
          `${credit.sessionId} was credited by ${credited.stripe_event_id}: dismiss this failure`,
        );
      }
      let posting: Awaited<ReturnType<typeof ledger.prepare>>;
      let balanceBefore: number;
      try {
        posting = await ledger.prepare(
          tx,
          sessionCreditTransaction(
            credit,
            'manual_credit',
            { type: 'reconcile_failure', id: input.failureId },
            now,
            {
              operator: input.operator,
              reason: input.reason,
              stripe_event_id: credit.stripeEventId,
            },
          ),
        );
        balanceBefore = await ledger.userBalance(userId, currency, { tx });
      } catch (error) {
        if (!(error instanceof LedgerError)) throw error;
        throw new ProblemError(409, 'ledger_refused', `${error.reason}: ${error.detail}`, {
          cause: error,
        });
      }
      if (posting.status === 'duplicate') {
        throw new ProblemError(
          409,
          'session_already_credited',
          `${credit.sessionId} is in the ledger`,
        );
      }
      const others = (await store.failures.readOpenNotPaid(tx, credit.sessionId)).filter(
        (f) => f.failure_id !== input.failureId,
      );

      posting.write();
      const balanceAfter = balanceBefore + amountMicros;
      store.sessions.create(tx, credit.sessionId, {
        user_id: userId,
        amount_micros: amountMicros,
        currency,
        stripe_event_id: credit.stripeEventId,
        ledger_transaction_id: credit.sessionId,
        credited_by: { kind: 'operator', operator: input.operator, failure_id: input.failureId },
        credited_at: at,
      });
      const resolution: FailureResolution = {
        action: 'credit',
        by: input.operator,
        reason: input.reason,
        resolved_at: at,
        ledger_transaction_id: credit.sessionId,
        user_id: userId,
        amount_micros: amountMicros,
        currency,
        funding_account: credit.fundingAccount,
        balance_after_micros: balanceAfter,
      };
      store.failures.close(tx, input.failureId, 'resolved', resolution);
      supersedeNotPaid(tx, store, others, input.operator, at);
      store.audit.create(tx, {
        action: 'reconcile_failure.credit',
        operator: input.operator,
        failure_id: input.failureId,
        payment_session_id: credit.sessionId,
        reason: input.reason,
        at,
        ledger_transaction_id: credit.sessionId,
        user_id: userId,
        amount_micros: amountMicros,
        currency,
        funding_account: credit.fundingAccount,
      });
      emitBalanceCredited(emit, credit, balanceAfter, now);
      return { ...failure, status: 'resolved' as const, resolution };
    },
    { correlationId: credit.sessionId },
  );
  return result;
}
