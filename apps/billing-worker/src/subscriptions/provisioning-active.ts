import { defineSubscription, rejectEvent } from '@gpuaas/eventing';
import type { BillingContext } from '../billing/billing-context';
import { evaluateBalance } from '../billing/evaluate-balance';
import { rateHeldUsage } from '../billing/rate-held-usage';
import { openWindow } from '../domain/usage-window';
import { readWindow, writeWindow } from '../store/usage-windows';

/** `provisioning.active` opens the usage window with its price snapshot; held usage is rated. */
export const provisioningActive = (context: BillingContext) =>
  defineSubscription({
    consumer: 'billing-worker',
    eventType: 'gpuaas.provisioning.active',
    async handle(event, ctx) {
      const active = event.payload;
      if (!context.settings.currencies.includes(active.currency)) {
        rejectEvent(`currency ${active.currency} is not billed here (BILLING_CURRENCIES)`);
      }
      const current = await readWindow(ctx.tx, ctx.firestore, active.allocation_id);
      const change = openWindow(current, active, context.settings.billingIncrementSeconds);
      if ('ignored' in change) {
        ctx.log.info(
          { allocation_id: active.allocation_id, why: change.ignored },
          'active ignored',
        );
        return;
      }
      writeWindow(ctx.tx, ctx.firestore, change.next);
    },
    async followUp(event, ctx) {
      const { allocation_id, user_id, currency } = event.payload;
      const held = await rateHeldUsage(
        ctx.firestore,
        ctx.transact,
        allocation_id,
        context.settings.ledgerCollectionPrefix,
        ctx.log,
      );
      if (held.rated + held.rejected > 0)
        ctx.log.info({ allocation_id, ...held }, 'held usage rated');
      await evaluateBalance(ctx.firestore, context, ctx.transact, { user_id, currency }, ctx.log);
    },
  });
