import { ProblemError } from '@gpuaas/http-api';
import type { ReconcileFailureRecord } from '../store/reconcile-failures';

export const failureNotFound = (id: string) =>
  new ProblemError(404, 'not_found', `no reconcile failure ${id}`);

/** A failure is resolved once: crediting or dismissing a closed one is a conflict. */
export const failureClosed = (f: ReconcileFailureRecord) =>
  new ProblemError(409, 'failure_closed', `${f.failure_id} is already ${f.status}`);
