import { defineSubscription } from '@gpuaas/eventing';
import type { BillingContext } from '../billing/billing-context';
import { evaluateBalance } from '../billing/evaluate-balance';
import { stopWindow } from '../domain/usage-window';
import { readWindow, writeWindow } from '../store/usage-windows';

/** `release_failed` stops billing at `failed_at`: what is metered past it is not charged. */
export const releaseFailed = (context: BillingContext) =>
  defineSubscription({
    consumer: 'billing-worker',
    eventType: 'gpuaas.provisioning.release_failed',
    async handle(event, ctx) {
      const current = await readWindow(ctx.tx, ctx.firestore, event.payload.allocation_id);
      const change = stopWindow(current, event.payload);
      if ('ignored' in change) {
        ctx.log.info(
          { allocation_id: event.payload.allocation_id, why: change.ignored },
          'ignored',
        );
        return;
      }
      writeWindow(ctx.tx, ctx.firestore, change.next);
    },
    async followUp(event, ctx) {
      const window = await readWindow(undefined, ctx.firestore, event.payload.allocation_id);
      if (!window?.price) return;
      const key = { user_id: window.user_id, currency: window.price.currency };
      await evaluateBalance(ctx.firestore, context, ctx.transact, key, ctx.log);
    },
  });
