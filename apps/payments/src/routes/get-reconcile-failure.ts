import { defineRoute, ProblemError } from '@gpuaas/http-api';
import type { PaymentsContext } from '../operations/payments-context';
import { FailureIdParams, ReconcileFailureDetail } from './schemas';
import { auditView, failureView } from './views';

export const getReconcileFailure = (context: PaymentsContext) =>
  defineRoute({
    method: 'GET',
    path: '/v1/admin/payments/reconcile-failures/{failure_id}',
    summary: 'Show a reconcile failure and its audit trail',
    tags: ['reconcile failures'],
    auth: 'operator',
    params: FailureIdParams,
    responses: { 200: ReconcileFailureDetail },
    async handler({ params }) {
      const failure = await context.store.failures.get(params.failure_id);
      if (!failure) {
        throw new ProblemError(404, 'not_found', `no reconcile failure ${params.failure_id}`);
      }
      const audit = await context.store.audit.forFailure(params.failure_id);
      return {
        status: 200,
        body: { failure: failureView(failure), audit: audit.map(auditView) },
      };
    },
  });
