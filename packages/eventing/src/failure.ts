import { ContractError } from '@gpuaas/contracts';
import { type DeadLetterReason, PermanentError } from './errors';

export type FailureClass =
  | { permanent: true; reason: DeadLetterReason; detail: string }
  | { permanent: false; detail: string };

/**
 * gRPC codes that fail the same way on every retry: INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS,
 * FAILED_PRECONDITION (e.g. a handler's `tx.create` on an existing document, or a missing index).
 */
const PERMANENT_GRPC_CODES = new Set([3, 5, 6, 9]);

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Sorts a handler's failure: dead-letter it now, or let Pub/Sub retry it with backoff. */
export function classifyFailure(error: unknown): FailureClass {
  if (error instanceof PermanentError) {
    return { permanent: true, reason: error.reason, detail: error.detail };
  }
  if (error instanceof ContractError) {
    return { permanent: true, reason: 'handler_rejected', detail: messageOf(error) };
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'number' && PERMANENT_GRPC_CODES.has(code)) {
    return { permanent: true, reason: 'handler_error', detail: messageOf(error) };
  }
  return { permanent: false, detail: messageOf(error) };
}
