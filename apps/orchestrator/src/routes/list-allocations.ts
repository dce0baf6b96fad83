import { ALLOCATIONS_COLLECTION, AllocationStatus, parseAllocation } from '@gpuaas/allocations';
import type { ServiceRuntime } from '@gpuaas/eventing';
import { defineRoute, Page, PageQueryWith, paginate } from '@gpuaas/http-api';
import { Type } from '@sinclair/typebox';
import { AllocationView, toView } from './allocation-view';

const ListQuery = PageQueryWith(Type.Object({ status: Type.Optional(AllocationStatus) }));

/** `GET /v1/allocations?status=…`: the caller's allocations, newest first, a page at a time. */
export function listAllocationsRoute(runtime: ServiceRuntime) {
  return defineRoute({
    method: 'GET',
    path: '/v1/allocations',
    summary: 'List your allocations',
    tags: ['allocations'],
    auth: 'user',
    query: ListQuery,
    responses: { 200: Page(AllocationView) },
    async handler({ query, principal }) {
      let q = runtime.firestore
        .collection(ALLOCATIONS_COLLECTION)
        .where('user_id', '==', principal.userId);
      if (query.status) q = q.where('status', '==', query.status);
      const page = await paginate(q, {
        orderBy: [['created_at', 'desc']],
        limit: query.limit,
        cursor: query.cursor,
        map: (doc) => {
          const allocation = parseAllocation(doc);
          if (!allocation) throw new Error(`${doc.ref.path} vanished`);
          return toView(allocation);
        },
      });
      return { status: 200, body: page };
    },
  });
}
