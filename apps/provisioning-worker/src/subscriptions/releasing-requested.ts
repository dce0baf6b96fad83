import { getAllocation, readAllocation, storedInstant } from '@gpuaas/allocations';
import { defineSubscription } from '@gpuaas/eventing';
import { releaseSteps } from '../domain/release-steps';
import { attemptRelease, type ReleaseEffect } from '../operations/release-attempt';
import { commitTransition } from '../store/commit-transition';
import type { WorkerContext } from '../worker-context';

/** A user, admin or idle release: the first attempt in the effect, its result (or a retry) in handle. */
export const releasingRequestedSubscription = (worker: WorkerContext) =>
  defineSubscription<'gpuaas.provisioning.releasing.requested', ReleaseEffect>({
    consumer: 'provisioning-worker',
    eventType: 'gpuaas.provisioning.releasing.requested',
    async effect(event, ctx) {
      const { allocation_id, user_id, reason } = event.payload;
      const allocation = await getAllocation(ctx.firestore, allocation_id);
      if (!allocation || allocation.user_id !== user_id) return { kind: 'none' };
      return attemptRelease(ctx.firestore, allocation_id, worker, {
        reason,
        keyOf: (attempt) => `${ctx.delivery.recordId}:${attempt}`,
        signal: ctx.signal,
      });
    },
    async handle(event, ctx, effect) {
      const id = event.payload.allocation_id;
      const current = await readAllocation(ctx.tx, ctx.firestore, id);
      if (current && current.user_id !== event.payload.user_id) {
        ctx.log.warn({ allocation_id: id }, 'release for another user ignored');
        return;
      }
      const steps = releaseSteps(current, effect, {
        at: storedInstant(worker.now()),
        reason: event.payload.reason,
        schedule: worker.config.release,
      });
      if (steps.length === 0) return;
      await commitTransition(ctx.tx, ctx.firestore, ctx.emit, id, steps);
    },
  });
