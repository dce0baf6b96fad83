import { FieldValue } from '@google-cloud/firestore';
import { examples, type PayloadOf } from '@gpuaas/contracts';
import { defineSubscription } from '../src/subscription';

export const REQUESTED = 'gpuaas.provisioning.requested';
export const ACTIVE = 'gpuaas.provisioning.active';

export function requestedPayload(allocationId: string): PayloadOf<typeof REQUESTED> {
  return { ...examples[REQUESTED], allocation_id: allocationId };
}

/**
 * A provisioning-worker-like consumer: counts each application of an event on the allocation
 * document (so "applied once" is observable) and emits `provisioning.active` in the same commit.
 */
export function countingSubscription(options: { beforeCommit?: () => Promise<void> } = {}) {
  return defineSubscription({
    consumer: 'provisioning-worker',
    eventType: REQUESTED,
    async handle(event, ctx) {
      const ref = ctx.firestore.collection('allocations').doc(event.payload.allocation_id);
      const snap = await ctx.tx.get(ref);
      await options.beforeCommit?.();
      ctx.tx.set(
        ref,
        { applied: ((snap.get('applied') as number | undefined) ?? 0) + 1 },
        { merge: true },
      );
      ctx.emit(ACTIVE, {
        ...examples[ACTIVE],
        allocation_id: event.payload.allocation_id,
        user_id: event.payload.user_id,
      });
    },
  });
}

/** Stand-in for an outside system (a GPU provider) that honours idempotency keys. */
export function providerSubscription(
  options: {
    effectMs?: number;
    beforeEffect?: () => void;
    afterEffect?: () => unknown;
    crashAfterEffect?: () => void;
  } = {},
) {
  return defineSubscription({
    consumer: 'provisioning-worker',
    eventType: REQUESTED,
    async effect(event, ctx) {
      options.beforeEffect?.();
      const calls = ctx.firestore.collection('provider_calls').doc(ctx.delivery.recordId);
      await calls.set(
        { calls: FieldValue.increment(1), allocation_id: event.payload.allocation_id },
        { merge: true },
      );
      if (options.effectMs) await new Promise((r) => setTimeout(r, options.effectMs));
      options.crashAfterEffect?.();
      await options.afterEffect?.();
      return { instanceId: `i-${ctx.delivery.recordId.slice(0, 8)}` };
    },
    async handle(event, ctx, created) {
      const ref = ctx.firestore.collection('allocations').doc(event.payload.allocation_id);
      const snap = await ctx.tx.get(ref);
      ctx.tx.set(
        ref,
        {
          applied: ((snap.get('applied') as number | undefined) ?? 0) + 1,
          instance_id: created.instanceId,
        },
        { merge: true },
      );
      ctx.emit(ACTIVE, {
        ...examples[ACTIVE],
        allocation_id: event.payload.allocation_id,
        user_id: event.payload.user_id,
        provider_instance_id: created.instanceId,
      });
    },
  });
}
