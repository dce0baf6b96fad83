import { Timestamp } from '@google-cloud/firestore';
import type { FailureResolution, ReconcileFailureRecord } from '../store/reconcile-failures';
import { failureClosed, failureNotFound } from './failure-problems';
import type { PaymentsContext } from './payments-context';

export interface DismissInput {
  failureId: string;
  operator: string;
  reason: string;
}

/** Closes a failure without money moving, with the operator's reason and an audit entry. */
export async function dismissFailure(
  context: PaymentsContext,
  input: DismissInput,
): Promise<ReconcileFailureRecord> {
  const { store } = context;
  const { result } = await context.producer.transact(
    async (tx) => {
      const at = Timestamp.fromDate(context.now());
      const failure = await store.failures.read(tx, input.failureId);
      if (!failure) throw failureNotFound(input.failureId);
      if (failure.status !== 'open') throw failureClosed(failure);
      const resolution: FailureResolution = {
        action: 'dismiss',
        by: input.operator,
        reason: input.reason,
        resolved_at: at,
      };
      store.failures.close(tx, input.failureId, 'dismissed', resolution);
      store.audit.create(tx, {
        action: 'reconcile_failure.dismiss',
        operator: input.operator,
        failure_id: input.failureId,
        payment_session_id: failure.payment_session_id,
        reason: input.reason,
        at,
      });
      return { ...failure, status: 'dismissed' as const, resolution };
    },
    { correlationId: input.failureId },
  );
  return result;
}
