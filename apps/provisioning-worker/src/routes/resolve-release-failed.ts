import type { Firestore } from '@google-cloud/firestore';
import {
  Allocation,
  getAllocation,
  storedInstant,
  transitionAllocation,
} from '@gpuaas/allocations';
import { defineRoute, ProblemError } from '@gpuaas/http-api';
import { Type } from '@sinclair/typebox';
import { isGone } from '../provider/gpu-provider';
import type { WorkerContext } from '../worker-context';

export const AllocationIdParams = Type.Object(
  { allocation_id: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
);

const ResolvedAllocation = Type.Object(Allocation.properties, {
  $id: 'ResolvedAllocation',
  additionalProperties: false,
});

/**
 * `POST /v1/admin/allocations/{allocation_id}/resolve`: an operator closes a `release_failed`
 * allocation once the provider confirms its instance gone. The window stays closed where billing
 * stopped (`release_failed_at`); nothing new is charged or emitted.
 */
export const resolveReleaseFailedRoute = (worker: WorkerContext, firestore: Firestore) =>
  defineRoute({
    method: 'POST',
    path: '/v1/admin/allocations/{allocation_id}/resolve',
    summary: 'Resolve a release_failed allocation whose instance is confirmed gone',
    tags: ['operations'],
    auth: 'operator',
    params: AllocationIdParams,
    responses: { 200: ResolvedAllocation },
    problems: [409],
    idempotent: false,
    async handler({ params, principal }) {
      const id = params.allocation_id;
      const allocation = await getAllocation(firestore, id);
      if (!allocation) throw new ProblemError(404, 'not_found', 'allocation not found');
      if (allocation.status === 'released' && allocation.resolution) {
        return { status: 200, body: allocation };
      }
      if (allocation.status !== 'release_failed' || !allocation.instance) {
        throw new ProblemError(
          409,
          'conflict',
          `the allocation is ${allocation.status}, not release_failed`,
        );
      }
      const instance = await worker.provider.getInstance(allocation.instance.provider_instance_id, {
        signal: AbortSignal.timeout(worker.config.providerCallTimeoutMs),
      });
      if (!isGone(instance)) {
        throw new ProblemError(
          409,
          'conflict',
          `instance ${allocation.instance.provider_instance_id} is still there (${instance?.state}); terminate it first`,
        );
      }
      const outcome = await firestore.runTransaction((tx) =>
        transitionAllocation(tx, firestore, id, {
          kind: 'resolve_release_failed',
          at: storedInstant(worker.now()),
          by: principal.email,
        }),
      );
      const resolved = outcome.applied ? outcome.after : outcome.current;
      if (resolved?.status !== 'released') {
        throw new ProblemError(409, 'conflict', 'the allocation changed meanwhile; try again');
      }
      return { status: 200, body: resolved };
    },
  });
