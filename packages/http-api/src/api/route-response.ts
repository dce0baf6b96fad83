import type { StoredResponse } from '../idempotency/idempotency-record';
import { PROBLEM_CONTENT_TYPE } from '../problem/problem';
import type { ProblemError } from '../problem/problem-error';
import type { AnyResult } from '../route/route-types';

/** A handler's answer in the form that is both sent and kept for idempotent replay. */
export function resultToStored(result: AnyResult): StoredResponse {
  if (result.body === undefined)
    return { status: result.status, headers: { ...result.headers }, body: null };
  return {
    status: result.status,
    headers: { 'content-type': 'application/json', ...result.headers },
    body: JSON.stringify(result.body),
  };
}

export function problemToStored(error: ProblemError): StoredResponse {
  return {
    status: error.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...error.headers },
    body: JSON.stringify(error.toProblem()),
  };
}

export const storedToResponse = (
  stored: StoredResponse,
  extraHeaders: Record<string, string> = {},
): Response =>
  new Response(stored.body, {
    status: stored.status,
    headers: { 'cache-control': 'no-store', ...stored.headers, ...extraHeaders },
  });
