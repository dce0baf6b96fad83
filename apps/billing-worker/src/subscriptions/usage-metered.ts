import { defineSubscription, rejectEvent } from '@gpuaas/eventing';
import type { BillingContext } from '../billing/billing-context';
import { chargeUsage } from '../billing/charge-usage';
import { evaluateBalance } from '../billing/evaluate-balance';
import { createWindowKeys } from '../billing/window-keys';

/**
 * `usage.metered`: the interval is rated against its window and charged, the line, the ledger
 * transaction and the dedupe record in one commit; before `active` it is held instead. The
 * balance is evaluated after the commit, off the delivery transaction (also on duplicates).
 */
export const usageMetered = (context: BillingContext) => {
  const windowKey = createWindowKeys();
  return defineSubscription({
    consumer: 'billing-worker',
    eventType: 'platform.billing.usage.metered',
    async handle(event, ctx) {
      const outcome = await chargeUsage(ctx.tx, ctx.firestore, event.payload, {
        ledgerPrefix: context.settings.ledgerCollectionPrefix,
      });
      if (outcome.kind === 'rejected') {
        rejectEvent(`${outcome.rejection.reason}: ${outcome.rejection.detail}`);
      }
      ctx.log.debug(
        { usage_event_id: event.payload.usage_event_id, outcome: outcome.kind },
        'usage',
      );
    },
    async followUp(event, ctx) {
      const key = await windowKey(ctx.firestore, event.payload.resource_id);
      // Held (window not open): the opening's follow-up evaluates.
      if (!key) return;
      await evaluateBalance(ctx.firestore, context, ctx.transact, key, ctx.log);
    },
  });
};
