import type { Timestamp, Transaction } from '@google-cloud/firestore';
import type { Emit } from '@gpuaas/eventing';
import {
  customerCreditAccount,
  type LedgerTransactionInput,
  STRIPE_CLEARING_ACCOUNT,
} from '@gpuaas/ledger';
import type { PaymentsStore } from '../store/payments-store';
import type { FailureResolution, ReconcileFailureRecord } from '../store/reconcile-failures';

/** One credit of a Checkout Session, from its event or from an operator. */
export interface SessionCredit {
  sessionId: string;
  stripeEventId: string;
  paymentIntentId?: string;
  userId: string;
  amountMicros: number;
  currency: string;
  livemode: boolean;
  /** The account the money comes from: Stripe's clearing, or operator grants. */
  fundingAccount: string;
}

/**
 * The ledger transaction of a session credit. Its id is the session id, so the ledger itself
 * refuses a second credit of one session, whichever event or operator attempts it.
 */
export function sessionCreditTransaction(
  credit: SessionCredit,
  kind: 'credit' | 'manual_credit',
  source: { type: string; id: string },
  postedAt: Date,
  metadata: Record<string, string>,
): LedgerTransactionInput {
  return {
    transaction_id: credit.sessionId,
    kind,
    posted_at: postedAt.toISOString(),
    source,
    postings: [
      {
        account: credit.fundingAccount,
        direction: 'debit',
        amount_micros: credit.amountMicros,
        currency: credit.currency,
      },
      {
        account: customerCreditAccount(credit.userId),
        direction: 'credit',
        amount_micros: credit.amountMicros,
        currency: credit.currency,
      },
    ],
    metadata,
  };
}

export const STRIPE_FUNDING = STRIPE_CLEARING_ACCOUNT;

/** Emits `balance_credited` for a credit committed in this transaction. */
export function emitBalanceCredited(
  emit: Emit,
  credit: SessionCredit,
  balanceAfterMicros: number,
  creditedAt: Date,
) {
  return emit('platform.payments.balance_credited', {
    stripe_event_id: credit.stripeEventId,
    payment_session_id: credit.sessionId,
    ...(credit.paymentIntentId ? { payment_intent_id: credit.paymentIntentId } : {}),
    user_id: credit.userId,
    amount_micros: credit.amountMicros,
    currency: credit.currency,
    ledger_transaction_id: credit.sessionId,
    balance_after_micros: balanceAfterMicros,
    livemode: credit.livemode,
    credited_at: creditedAt.toISOString(),
  });
}

/** Open `not_paid` failures of a session are settled by its credit: the payment did arrive. */
export function supersedeNotPaid(
  tx: Transaction,
  store: PaymentsStore,
  failures: readonly ReconcileFailureRecord[],
  by: string,
  at: Timestamp,
): void {
  for (const failure of failures) {
    const resolution: FailureResolution = {
      action: 'superseded',
      by,
      reason: 'the session was credited after this failure',
      resolved_at: at,
    };
    store.failures.close(tx, failure.failure_id, 'resolved', resolution);
  }
}
