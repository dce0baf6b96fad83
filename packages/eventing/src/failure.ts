import { ContractError } from '@gpuaas/contracts';
import { describeError } from './describe-error';
import { type DeadLetterReason, PermanentError, TransientError } from './errors';

export type FailureClass =
  | { permanent: true; reason: DeadLetterReason; detail: string }
  | { permanent: false; reason: string; detail: string };

const GRPC_CODE_NAMES = [
  'ok',
  'cancelled',
  'unknown',
  'invalid_argument',
  'deadline_exceeded',
  'not_found',
  'already_exists',
  'permission_denied',
  'resource_exhausted',
  'failed_precondition',
  'aborted',
  'out_of_range',
  'unimplemented',
  'internal',
  'unavailable',
  'data_loss',
  'unauthenticated',
] as const;

/**
 * A status error from a gRPC client (Firestore, Pub/Sub): an Error with an integer `code` and the
 * call's `metadata` and `details`. Anything else with a numeric `code` (an HTTP library's, a
 * handler's own) is not one, whatever the number says.
 */
export function grpcCodeOf(error: unknown): number | undefined {
  try {
    if (!(error instanceof Error)) return undefined;
    const { code, metadata, details } = error as Error & {
      code?: unknown;
      metadata?: unknown;
      details?: unknown;
    };
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 0 || code > 16) {
      return undefined;
    }
    const isMetadata =
      typeof metadata === 'object' &&
      metadata !== null &&
      typeof (metadata as { getMap?: unknown }).getMap === 'function';
    return isMetadata && typeof details === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sorts a failure: dead-letter it now, or let Pub/Sub retry it with backoff. Only what the event
 * itself can never pass dead-letters (a handler's `PermanentError` or contract error); every I/O
 * error is transient, so a missing database, an index still building or a closed transaction
 * holds traffic back instead of dead-lettering it.
 */
export function classifyFailure(error: unknown): FailureClass {
  try {
    return classify(error);
  } catch {
    // `instanceof` itself throws on a revoked proxy.
    return { permanent: false, reason: 'handler_failed', detail: describeError(error) };
  }
}

function classify(error: unknown): FailureClass {
  if (error instanceof PermanentError) {
    return { permanent: true, reason: error.reason, detail: error.detail };
  }
  if (error instanceof ContractError) {
    return { permanent: true, reason: 'handler_rejected', detail: describeError(error) };
  }
  if (error instanceof TransientError) {
    return { permanent: false, reason: error.reason, detail: describeError(error) };
  }
  const code = grpcCodeOf(error);
  if (code !== undefined) {
    // ABORTED is Firestore's contention signal: a busy document, not a broken one.
    const reason = code === 10 ? 'contention' : `grpc_${GRPC_CODE_NAMES[code]}`;
    return { permanent: false, reason, detail: describeError(error) };
  }
  return { permanent: false, reason: 'handler_failed', detail: describeError(error) };
}
