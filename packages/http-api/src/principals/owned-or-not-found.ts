import { ProblemError } from '../problem/problem-error';
import type { Principal } from './principal';

/** Another user's resource is a 404 (never a 403 that confirms it exists); operators see all. */
export function ownedOrNotFound<T extends { user_id: string }>(
  resource: T | undefined,
  principal: Principal,
  what: string,
): T {
  if (!resource || (principal.kind === 'user' && resource.user_id !== principal.userId)) {
    throw new ProblemError(404, 'not_found', `${what} not found`);
  }
  return resource;
}
