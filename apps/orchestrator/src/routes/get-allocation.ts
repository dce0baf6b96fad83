import { getAllocation } from '@gpuaas/allocations';
import type { ServiceRuntime } from '@gpuaas/eventing';
import { defineRoute, ownedOrNotFound } from '@gpuaas/http-api';
import { AllocationParams, AllocationView, toView } from './allocation-view';

/** `GET /v1/allocations/{allocation_id}`: the caller's allocation as it is now; anyone else's is a 404. */
export function getAllocationRoute(runtime: ServiceRuntime) {
  return defineRoute({
    method: 'GET',
    path: '/v1/allocations/{allocation_id}',
    summary: 'Get an allocation',
    tags: ['allocations'],
    auth: 'user',
    params: AllocationParams,
    responses: { 200: AllocationView },
    async handler({ params, principal }) {
      const allocation = ownedOrNotFound(
        await getAllocation(runtime.firestore, params.allocation_id),
        principal,
        'allocation',
      );
      return { status: 200, body: toView(allocation) };
    },
  });
}
