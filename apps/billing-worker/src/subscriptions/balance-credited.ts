import { defineSubscription } from '@gpuaas/eventing';
import type { BillingContext } from '../billing/billing-context';
import { evaluateBalance } from '../billing/evaluate-balance';
import { creditRecorded, readCreditSummary, recordCredit } from '../store/credits';

/**
 * The billing read model: payments posted the credit to the ledger already; this records it
 * for the read API and re-evaluates the balance at once, so a top-up re-arms without waiting
 * for the next usage event or tick.
 */
export const balanceCredited = (context: BillingContext) =>
  defineSubscription({
    consumer: 'billing-read-model',
    eventType: 'platform.payments.balance_credited',
    async handle(event, ctx) {
      const credit = event.payload;
      if (await creditRecorded(ctx.tx, ctx.firestore, credit.stripe_event_id)) return;
      const previous = await readCreditSummary(
        ctx.firestore,
        credit.user_id,
        credit.currency,
        ctx.tx,
      );
      recordCredit(ctx.tx, ctx.firestore, credit, previous, Date.parse(credit.credited_at));
    },
    async followUp(event, ctx) {
      const { user_id, currency } = event.payload;
      await evaluateBalance(ctx.firestore, context, ctx.transact, { user_id, currency }, ctx.log);
    },
  });
