import { defineRoute, Page, PageQueryWith, paginate } from '@gpuaas/http-api';
import { Type } from '@sinclair/typebox';
import type { PaymentsContext } from '../operations/payments-context';
import type { ReconcileFailureRecord } from '../store/reconcile-failures';
import { FailureStatus, ReconcileFailure } from './schemas';
import { failureView } from './views';

export const listReconcileFailures = (context: PaymentsContext) =>
  defineRoute({
    method: 'GET',
    path: '/v1/admin/payments/reconcile-failures',
    summary: 'List reconcile failures',
    description:
      'Stripe payments that credited nothing, newest first; `status=open` is the support queue.',
    tags: ['reconcile failures'],
    auth: 'operator',
    query: PageQueryWith(Type.Object({ status: Type.Optional(FailureStatus) })),
    responses: { 200: Page(ReconcileFailure) },
    async handler({ query }) {
      const page = await paginate(context.store.failures.listQuery(query.status), {
        orderBy: [['detected_at', 'desc']],
        limit: query.limit,
        cursor: query.cursor,
        map: (doc) => failureView(doc.data() as ReconcileFailureRecord),
      });
      return { status: 200, body: page };
    },
  });
