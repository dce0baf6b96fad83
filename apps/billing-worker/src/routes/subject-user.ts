import { invalidInput, type Principal, ProblemError, type UserRegistry } from '@gpuaas/http-api';

/**
 * Whose data a request reads: a user's own (naming another user is a 404, as if it did not
 * exist), or, for an operator, the user named by `?user_id=` (required; unknown users are a 404).
 */
export async function subjectUser(
  principal: Principal,
  requested: string | undefined,
  registry: UserRegistry,
): Promise<string> {
  if (principal.kind === 'user') {
    if (requested !== undefined && requested !== principal.userId) {
      throw new ProblemError(404, 'not_found', 'user not found');
    }
    return principal.userId;
  }
  if (requested === undefined) {
    throw invalidInput('query', '/user_id', 'operators must name the user: ?user_id=<user>');
  }
  if (!(await registry.exists(requested))) {
    throw new ProblemError(404, 'not_found', 'user not found');
  }
  return requested;
}
