import { defineRoute } from '@gpuaas/http-api';
import { creditFailure } from '../operations/credit-failure';
import type { PaymentsContext } from '../operations/payments-context';
import { FailureIdParams, ManualCreditRequest, ReconcileFailure } from './schemas';
import { failureView } from './views';

export const creditReconcileFailure = (context: PaymentsContext) =>
  defineRoute({
    method: 'POST',
    path: '/v1/admin/payments/reconcile-failures/{failure_id}/credit',
    summary: 'Resolve a reconcile failure by crediting the session by hand',
    description:
      "Credits the session once (ledger transaction id = the session id) to the failure's user, amount and currency unless the body says otherwise, funded from `stripe_clearing` by default; records the operator in the audit log and emits `platform.payments.balance_credited`.",
    tags: ['reconcile failures'],
    auth: 'operator',
    params: FailureIdParams,
    body: ManualCreditRequest,
    responses: { 200: ReconcileFailure },
    problems: [409],
    async handler({ params, body, principal }) {
      const resolved = await creditFailure(context, {
        failureId: params.failure_id,
        operator: principal.email,
        reason: body.reason,
        ...(body.user_id !== undefined ? { userId: body.user_id } : {}),
        ...(body.amount_micros !== undefined ? { amountMicros: body.amount_micros } : {}),
        ...(body.currency !== undefined ? { currency: body.currency } : {}),
        ...(body.funding_account !== undefined ? { fundingAccount: body.funding_account } : {}),
      });
      return { status: 200, body: failureView(resolved) };
    },
  });
