import { recordDepletion, storedInstant } from '@gpuaas/allocations';
import { defineSubscription } from '@gpuaas/eventing';
import type { WorkerContext } from '../worker-context';

/** The user is blocked: new allocations fail with `insufficient_balance` until a credit re-arms it. */
export const balanceDepletedSubscription = (worker: WorkerContext) =>
  defineSubscription({
    consumer: 'provisioning-worker',
    eventType: 'platform.billing.balance_depleted',
    async handle(event, ctx) {
      const { user_id, currency, depleted_at, balance_micros } = event.payload;
      const recorded = await recordDepletion(
        ctx.tx,
        ctx.firestore,
        { user_id, currency, depleted_at, balance_micros },
        storedInstant(worker.now()),
      );
      ctx.log.info({ user_id, recorded }, 'balance depletion recorded');
    },
  });
