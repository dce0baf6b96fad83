import { PROBLEM_CONTENT_TYPE } from './problem';
import type { ProblemError } from './problem-error';

/** The problem as an HTTP response: `application/problem+json`, never cached. */
export function problemResponse(error: ProblemError, extraHeaders: Record<string, string> = {}) {
  return new Response(JSON.stringify(error.toProblem()), {
    status: error.status,
    headers: {
      'content-type': PROBLEM_CONTENT_TYPE,
      'cache-control': 'no-store',
      ...error.headers,
      ...extraHeaders,
    },
  });
}
