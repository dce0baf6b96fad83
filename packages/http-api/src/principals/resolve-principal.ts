import { ProblemError } from '../problem/problem-error';
import { API_KEY_PREFIX } from './api-key';
import type { AuthMode, Principal, Principals } from './principal';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

const unauthenticated = (detail: string) =>
  new ProblemError(401, 'unauthenticated', detail, { headers: { 'www-authenticate': 'Bearer' } });

/**
 * The caller of a route, from its `Authorization` header: a `gpk_` bearer is a user API key,
 * any other bearer an operator identity token. A user key on an operator route is a 403.
 */
export async function resolvePrincipal(
  principals: Principals,
  auth: AuthMode,
  authorization: string | undefined,
): Promise<Principal | null> {
  if (auth === 'none') return null;
  let token: string | undefined;
  if (authorization !== undefined) {
    token = BEARER.exec(authorization)?.[1];
    if (!token) throw unauthenticated('expected an Authorization: Bearer credential');
  }
  if (token?.startsWith(API_KEY_PREFIX)) {
    const user = await principals.users.authenticate(token);
    if (auth === 'operator')
      throw new ProblemError(403, 'forbidden', 'an operator identity is required');
    return user;
  }
  // User routes take API keys only; an operator token is no user's credential.
  if (auth === 'user') throw unauthenticated('a user API key is required');
  return principals.operators(token);
}
