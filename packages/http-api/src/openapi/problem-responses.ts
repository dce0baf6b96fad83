import type { Route } from '../route/define-route';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: a field, the body, a parameter or a header, named by errors[].pointer',
  401: 'Missing, unknown or revoked credentials',
  402: 'Payment required (for example an insufficient balance)',
  403: 'Valid credentials of a kind this route does not accept',
  404: 'No such resource, or not the caller’s',
  409: 'Conflict: a request with this Idempotency-Key is still in progress, or the resource’s state forbids the change',
  413: 'The body is larger than the limit',
  415: 'The body is not application/json',
  422: 'The Idempotency-Key was already used with another request',
  429: 'Too many requests',
  500: 'Unexpected error; nothing about it is disclosed',
  503: 'Temporarily unavailable; retry later',
};

export const problemDescription = (status: number): string =>
  DESCRIPTIONS[status] ?? 'Problem details (RFC 9457)';

const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/** The problem statuses a route can answer with, from what it declares. */
export function problemStatuses(route: Route): number[] {
  const statuses = new Set<number>([400, 404, 500, 503, ...(route.problems ?? [])]);
  if (route.auth !== 'none') {
    statuses.add(401);
    statuses.add(403);
  }
  // The body limit holds for every request that may carry one, declared or not.
  if (route.body || BODY_METHODS.has(route.method)) statuses.add(413);
  if (route.body) statuses.add(415);
  if (route.idempotency) {
    statuses.add(409);
    statuses.add(422);
  }
  return [...statuses].sort((a, b) => a - b);
}
