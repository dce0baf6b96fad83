import {
  decideTransition,
  readAllocation,
  storedInstant,
  writeAllocation,
} from '@gpuaas/allocations';
import { canonicalTimestamp } from '@gpuaas/contracts';
import type { ServiceRuntime } from '@gpuaas/eventing';
import { defineRoute, ownedOrNotFound, ProblemError } from '@gpuaas/http-api';
import { AllocationParams, AllocationView, toView } from './allocation-view';
import type { OrchestratorContext } from './context';

const FINISHED = ['released', 'failed', 'release_failed'];

/**
 * `POST /v1/allocations/{allocation_id}/release`: records the request on the allocation and
 * emits `gpuaas.provisioning.releasing.requested` in one transaction, once per allocation (its
 * idempotency key is the allocation id). Asked again while releasing: 202 again, nothing emitted.
 */
export function releaseAllocationRoute(runtime: ServiceRuntime, context: OrchestratorContext) {
  return defineRoute({
    method: 'POST',
    path: '/v1/allocations/{allocation_id}/release',
    summary: 'Release an allocation',
    description:
      'Answers 202 while the release runs (also when it was asked before); 409 once the allocation is released, failed or release_failed.',
    tags: ['allocations'],
    auth: 'user',
    params: AllocationParams,
    responses: { 202: AllocationView },
    problems: [409],
    async handler({ params, principal }) {
      const { firestore, producer } = runtime;
      const at = storedInstant(context.now());
      const { result } = await producer.transact(
        async (tx, emit) => {
          const current = ownedOrNotFound(
            await readAllocation(tx, firestore, params.allocation_id),
            principal,
            'allocation',
          );
          if (FINISHED.includes(current.status)) {
            throw new ProblemError(409, 'conflict', `the allocation is ${current.status}`);
          }
          const request = {
            requested_by: 'user',
            reason: 'user_requested',
            requested_at: at,
          } as const;
          const outcome = decideTransition(current, {
            kind: 'record_release_request',
            at,
            request,
          });
          if (!outcome.applied) return current;
          writeAllocation(tx, firestore, outcome.after);
          emit('gpuaas.provisioning.releasing.requested', {
            allocation_id: current.allocation_id,
            user_id: current.user_id,
            ...request,
            requested_at: canonicalTimestamp(at),
          });
          return outcome.after;
        },
        { correlationId: params.allocation_id },
      );
      return { status: 202, body: toView(result) };
    },
  });
}
