import { FieldValue } from '@google-cloud/firestore';
import { examples, type PayloadOf } from '@gpuaas/contracts';
import type { ServiceOptions } from '../src/service/service';
import { defineSubscription } from '../src/subscription';
import type { TestBus } from '../src/testing/test-bus';

export const REQUESTED = 'gpuaas.provisioning.requested';
export const ACTIVE = 'gpuaas.provisioning.active';
export const DLQ = 'provisioning-worker.dlq';

export function requestedPayload(allocationId: string): PayloadOf<typeof REQUESTED> {
  return { ...examples[REQUESTED], allocation_id: allocationId };
}

/** A service on the bus's project, no server (`service.app.request`). */
export function consumer(
  bus: TestBus,
  subscriptions: ServiceOptions['subscriptions'],
  env: Record<string, string> = {},
  extra: Partial<Omit<ServiceOptions, 'config' | 'subscriptions'>> = {},
) {
  return bus.create({ config: bus.config('test-service', env), subscriptions, ...extra });
}

/**
 * A provisioning-worker-like consumer: counts each application of an event on the allocation
 * document (so "applied once" is observable) and emits `provisioning.active` in the same commit.
 */
export function countingSubscription(
  options: {
    beforeCommit?: () => Promise<void>;
    onAttempt?: () => void;
    afterEmit?: () => void;
  } = {},
) {
  return defineSubscription({
    consumer: 'provisioning-worker',
    eventType: REQUESTED,
    async handle(event, ctx) {
      options.onAttempt?.();
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
      options.afterEmit?.();
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
    effect?: (signal: AbortSignal) => Promise<void>;
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
      await options.effect?.(ctx.signal);
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

/** The envelopes of `provisioning.active` a tap saw for one allocation. */
export const activeFor = (
  received: { json?: { payload?: Record<string, unknown> } }[],
  id: string,
) => received.filter((m) => m.json?.payload?.allocation_id === id);
