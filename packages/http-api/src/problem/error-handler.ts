import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { ProblemError } from './problem-error';
import { problemResponse } from './problem-response';

export interface ErrorHandlerOptions {
  logger: Logger;
}

/**
 * gRPC codes of Firestore and Pub/Sub that say "not now": ABORTED (a contended document, its
 * transaction out of attempts), DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, UNAVAILABLE.
 */
const TRANSIENT_GRPC_CODES = new Set([4, 8, 10, 14]);

function transientGrpcCode(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, details } = error as Error & { code?: unknown; details?: unknown };
  return typeof code === 'number' && typeof details === 'string' && TRANSIENT_GRPC_CODES.has(code)
    ? code
    : undefined;
}

/**
 * Turns what escaped a route into a problem: a storage that is busy or unreachable is a 503 the
 * client retries; anything else unexpected is a generic 500. A commit that timed out may still
 * have landed: the retry is safe because a POST carries its Idempotency-Key and the ids it
 * writes derive from it.
 */
export function toProblemError(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof HTTPException && error.status < 500) {
    const reason = error.status === 413 ? 'body_too_large' : 'bad_request';
    return new ProblemError(error.status, reason, 'the request was rejected', { cause: error });
  }
  if (transientGrpcCode(error) !== undefined) {
    return new ProblemError(503, 'temporarily_unavailable', 'the service is busy; retry shortly', {
      cause: error,
      headers: { 'retry-after': '1' },
    });
  }
  return new ProblemError(500, 'internal_error', 'an unexpected error occurred', { cause: error });
}

/** Hono `onError`: internals go to the log, the client sees only the problem's public fields. */
export function createErrorHandler(options: ErrorHandlerOptions) {
  const { logger } = options;
  return function errorHandler(error: unknown, c: Context): Response {
    const problem = toProblemError(error);
    const fields = { method: c.req.method, path: c.req.path, status: problem.status };
    if (problem.status >= 500)
      logger.error({ ...fields, err: problem.cause ?? error }, 'request failed');
    else if (problem.cause)
      logger.warn({ ...fields, reason: problem.reason, err: problem.cause }, 'request refused');
    return problemResponse(problem);
  };
}
