import { allocationOfRequested, readAllocation, storedInstant } from '@gpuaas/allocations';
import { defineSubscription } from '@gpuaas/eventing';
import { provisionSteps } from '../domain/provision-steps';
import { type ProvisionResult, provision } from '../operations/provision';
import { commitTransition } from '../store/commit-transition';
import type { WorkerContext } from '../worker-context';

/** `requested → provisioning → active | failed`: the provider is called in the effect, the state commits in handle. */
export const requestedSubscription = (worker: WorkerContext) =>
  defineSubscription<'gpuaas.provisioning.requested', ProvisionResult>({
    consumer: 'provisioning-worker',
    eventType: 'gpuaas.provisioning.requested',
    effect: (event, ctx) => provision(event.payload, ctx, worker),
    async handle(event, ctx, result) {
      const id = event.payload.allocation_id;
      const current = await readAllocation(ctx.tx, ctx.firestore, id);
      const steps = provisionSteps(
        current,
        result,
        storedInstant(worker.now()),
        allocationOfRequested(event.payload),
      );
      if (steps.length === 0) return;
      const outcome = await commitTransition(ctx.tx, ctx.firestore, ctx.emit, id, steps);
      if (!outcome.applied) {
        ctx.log.info(
          { allocation_id: id, rejection: outcome.rejection },
          'stale provisioning result',
        );
      }
    },
  });
