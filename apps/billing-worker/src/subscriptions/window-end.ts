import type { PayloadOf } from '@gpuaas/contracts';
import { defineSubscription } from '@gpuaas/eventing';
import type { BillingContext } from '../billing/billing-context';
import { evaluateBalance } from '../billing/evaluate-balance';
import {
  closeWindow,
  stopWindow,
  type UsageWindow,
  type WindowChange,
} from '../domain/usage-window';
import { readWindow, writeWindow } from '../store/usage-windows';

type EndingEvent = 'gpuaas.provisioning.releasing.completed' | 'gpuaas.provisioning.release_failed';

/**
 * An event that ends an allocation's billing: the window changes in the delivery's transaction;
 * the user's balance is evaluated after, since the burn that projected its depletion stopped.
 */
function windowEnd<E extends EndingEvent>(
  eventType: E,
  change: (current: UsageWindow | undefined, payload: PayloadOf<E>) => WindowChange,
) {
  return (context: BillingContext) =>
    defineSubscription({
      consumer: 'billing-worker',
      eventType,
      async handle(event, ctx) {
        const payload = event.payload as PayloadOf<E> & { allocation_id: string };
        const current = await readWindow(ctx.tx, ctx.firestore, payload.allocation_id);
        const next = change(current, payload);
        if ('ignored' in next) {
          ctx.log.info({ allocation_id: payload.allocation_id, why: next.ignored }, 'ignored');
          return;
        }
        writeWindow(ctx.tx, ctx.firestore, next.next);
      },
      async followUp(event, ctx) {
        const { allocation_id } = event.payload as { allocation_id: string };
        const window = await readWindow(undefined, ctx.firestore, allocation_id);
        if (!window?.price) return;
        const key = { user_id: window.user_id, currency: window.price.currency };
        await evaluateBalance(ctx.firestore, context, ctx.transact, key, ctx.log);
      },
    });
}

/** `releasing.completed` closes the window at `released_at`; its burn stops counting. */
export const releasingCompleted = windowEnd('gpuaas.provisioning.releasing.completed', closeWindow);

/** `release_failed` stops billing at `failed_at`: what is metered past it is not charged. */
export const releaseFailed = windowEnd('gpuaas.provisioning.release_failed', stopWindow);
