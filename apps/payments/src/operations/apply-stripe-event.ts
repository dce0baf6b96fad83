import { Timestamp, type Transaction } from '@google-cloud/firestore';
import type { ReconcileFailureReason } from '@gpuaas/contracts';
import type { Emit } from '@gpuaas/eventing';
import { LedgerError, type PreparedPosting } from '@gpuaas/ledger';
import type { CheckoutSessionEvent } from '../domain/checkout-session';
import {
  type CreditDecision,
  creditConflict,
  type FailureDecision,
  ledgerPostFailed,
  type ReconcileDecision,
  sameCredit,
} from '../domain/reconcile';
import type { StripeEventOutcome } from '../store/stripe-events';
import {
  emitBalanceCredited,
  type SessionCredit,
  STRIPE_FUNDING,
  sessionCreditTransaction,
  supersedeNotPaid,
} from './credit-writes';
import type { PaymentsContext } from './payments-context';
import { recordFailure } from './record-failure';

export type AppliedEvent =
  | { outcome: 'credited'; ledgerTransactionId: string; balanceAfterMicros: number }
  /** The other event of an already credited session: recorded, nothing credited. */
  | { outcome: 'already_credited' }
  | { outcome: 'reconcile_failed'; reason: ReconcileFailureReason; failureId: string }
  /** This very event was processed before: nothing written. */
  | { outcome: 'duplicate'; previous: StripeEventOutcome };

const creditOf = (session: CheckoutSessionEvent, decision: CreditDecision): SessionCredit => ({
  sessionId: session.sessionId,
  stripeEventId: session.eventId,
  ...(session.paymentIntentId ? { paymentIntentId: session.paymentIntentId } : {}),
  userId: decision.userId,
  amountMicros: decision.amountMicros,
  currency: decision.currency,
  livemode: session.livemode,
  fundingAccount: STRIPE_FUNDING,
});

/** The credit's reads (ledger document, balance, not_paid failures), or why the ledger refused it. */
async function prepareCredit(
  context: PaymentsContext,
  tx: Transaction,
  session: CheckoutSessionEvent,
  credit: SessionCredit,
  now: Date,
) {
  try {
    const posting: PreparedPosting = await context.ledger.prepare(
      tx,
      sessionCreditTransaction(
        credit,
        'credit',
        { type: 'stripe_checkout_session', id: session.sessionId },
        now,
        { stripe_event_id: session.eventId, stripe_event_type: session.eventType },
      ),
    );
    // Read in the transaction, so the figure is exactly this credit's: payments are rare enough
    // that locking the user's balance shards until this commit costs nothing.
    const balanceBefore = await context.ledger.userBalance(credit.userId, credit.currency, { tx });
    const notPaid = await context.store.failures.readOpenNotPaid(tx, session.sessionId);
    return { ok: true as const, posting, balanceBefore, notPaid };
  } catch (error) {
    // Every LedgerError is permanent: a retry cannot make the ledger accept this credit.
    if (!(error instanceof LedgerError)) throw error;
    return { ok: false as const, reason: `${error.reason}: ${error.detail}` };
  }
}

/** A credit decision in the transaction: credited, the session's other event, or a failure. */
async function creditSession(
  context: PaymentsContext,
  tx: Transaction,
  emit: Emit,
  session: CheckoutSessionEvent,
  decision: CreditDecision,
  now: Date,
): Promise<AppliedEvent | FailureDecision> {
  const { store } = context;
  const at = Timestamp.fromDate(now);
  const credited = await store.sessions.read(tx, session.sessionId);
  if (credited) {
    const before = {
      userId: credited.user_id,
      amountMicros: credited.amount_micros,
      currency: credited.currency,
      stripeEventId: credited.stripe_event_id,
    };
    if (!sameCredit(decision, before)) return creditConflict(decision, before);
    store.events.create(tx, session.eventId, {
      event_type: session.eventType,
      payment_session_id: session.sessionId,
      livemode: session.livemode,
      outcome: 'already_credited',
      ledger_transaction_id: credited.ledger_transaction_id,
      received_at: at,
    });
    return { outcome: 'already_credited' };
  }

  const credit = creditOf(session, decision);
  const prepared = await prepareCredit(context, tx, session, credit, now);
  if (!prepared.ok) return ledgerPostFailed(decision, prepared.reason);
  if (prepared.posting.status === 'duplicate') {
    // The ledger holds this very credit without its session record: record, never post twice.
    context.logger.warn(
      { payment_session_id: session.sessionId },
      'the ledger already holds this session credit; recording the session',
    );
  } else {
    prepared.posting.write();
  }
  const balanceAfter =
    prepared.posting.status === 'duplicate'
      ? prepared.balanceBefore
      : prepared.balanceBefore + credit.amountMicros;
  store.sessions.create(tx, session.sessionId, {
    user_id: credit.userId,
    amount_micros: credit.amountMicros,
    currency: credit.currency,
    stripe_event_id: session.eventId,
    ledger_transaction_id: credit.sessionId,
    credited_by: { kind: 'stripe_event', stripe_event_id: session.eventId },
    credited_at: at,
  });
  store.events.create(tx, session.eventId, {
    event_type: session.eventType,
    payment_session_id: session.sessionId,
    livemode: session.livemode,
    outcome: 'credited',
    ledger_transaction_id: credit.sessionId,
    received_at: at,
  });
  supersedeNotPaid(tx, store, prepared.notPaid, `stripe_event:${session.eventId}`, at);
  emitBalanceCredited(emit, credit, balanceAfter, now);
  return {
    outcome: 'credited',
    ledgerTransactionId: credit.sessionId,
    balanceAfterMicros: balanceAfter,
  };
}

/**
 * Applies a decision about one Stripe event in one producer transaction: the dedupe on the event
 * id and on the session id, the ledger credit or the failure record, and the event announcing
 * it commit together, or nothing does (a Firestore error propagates: the webhook answers 5xx).
 */
export async function applyStripeEvent(
  context: PaymentsContext,
  session: CheckoutSessionEvent,
  decision: ReconcileDecision,
): Promise<AppliedEvent> {
  const { result } = await context.producer.transact<AppliedEvent>(
    async (tx, emit) => {
      const now = context.now();
      const previous = await context.store.events.read(tx, session.eventId);
      if (previous) return { outcome: 'duplicate', previous: previous.outcome };
      const applied =
        decision.kind === 'credit'
          ? await creditSession(context, tx, emit, session, decision, now)
          : decision;
      if ('outcome' in applied) return applied;
      const record = recordFailure(tx, emit, context.store, session, applied, now);
      return { outcome: 'reconcile_failed', reason: applied.reason, failureId: record.failure_id };
    },
    { correlationId: session.sessionId },
  );
  return result;
}
