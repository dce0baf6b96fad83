import { describe, expect, it } from 'vitest';
import { toProblemError } from './error-handler';

/** What `@grpc/grpc-js` rejects a Firestore call with: an Error with `code`, `details`, `metadata`. */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), {
    code,
    details,
    metadata: { getMap: () => ({}) },
  });
}

describe('toProblemError', () => {
  it.each([
    [10, 'Transaction lock timeout.'],
    [14, 'No connection established'],
    [4, 'Deadline exceeded'],
    [8, 'Quota exceeded'],
  ])('a storage that answers gRPC %i is a 503 to retry, not a 500', (code, details) => {
    const problem = toProblemError(grpcError(code, details));
    expect(problem.status).toBe(503);
    expect(problem.reason).toBe('temporarily_unavailable');
    expect(problem.headers['retry-after']).toBe('1');
    // The client sees no internals.
    expect(JSON.stringify(problem.toProblem())).not.toContain(details);
  });

  it('other gRPC failures and errors that only carry a numeric code stay a 500', () => {
    expect(toProblemError(grpcError(9, 'FAILED_PRECONDITION: index missing')).status).toBe(500);
    expect(toProblemError(Object.assign(new Error('x'), { code: 10 })).status).toBe(500);
    expect(toProblemError(new Error('boom')).reason).toBe('internal_error');
  });
});
