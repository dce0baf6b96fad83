import { defineRoute } from '@gpuaas/http-api';
import { dismissFailure } from '../operations/dismiss-failure';
import type { PaymentsContext } from '../operations/payments-context';
import { DismissRequest, FailureIdParams, ReconcileFailure } from './schemas';
import { failureView } from './views';

export const dismissReconcileFailure = (context: PaymentsContext) =>
  defineRoute({
    method: 'POST',
    path: '/v1/admin/payments/reconcile-failures/{failure_id}/dismiss',
    summary: 'Resolve a reconcile failure without crediting',
    tags: ['reconcile failures'],
    auth: 'operator',
    params: FailureIdParams,
    body: DismissRequest,
    responses: { 200: ReconcileFailure },
    problems: [409],
    async handler({ params, body, principal }) {
      const dismissed = await dismissFailure(context, {
        failureId: params.failure_id,
        operator: principal.email,
        reason: body.reason,
      });
      return { status: 200, body: failureView(dismissed) };
    },
  });
