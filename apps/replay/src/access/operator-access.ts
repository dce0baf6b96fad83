import {
  API_KEY_PREFIX,
  type OperatorPrincipal,
  type Principals,
  ProblemError,
} from '@gpuaas/http-api';
import type { Context, MiddlewareHandler } from 'hono';

declare module 'hono' {
  interface ContextVariableMap {
    operator: OperatorPrincipal;
  }
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

export interface OperatorAccessOptions {
  principals: Principals;
  /** How a refusal is answered (a problem document, an HTML page). */
  denied: (c: Context, problem: ProblemError) => Response | Promise<Response>;
}

/**
 * The operator check of `auth: 'operator'` routes for what is not a JSON route (the console, raw
 * data): a Google identity on the allow-list passes, a user API key is a 403, anything else 401.
 */
// runtime: @gpuaas/http-api resolves principals only inside createApi routes; this mirrors its rules.
export function operatorAccess(options: OperatorAccessOptions): MiddlewareHandler {
  return async function requireOperator(c, next) {
    try {
      const header = c.req.header('authorization');
      let token: string | undefined;
      if (header !== undefined) {
        token = BEARER.exec(header)?.[1];
        if (!token) {
          throw new ProblemError(
            401,
            'unauthenticated',
            'expected an Authorization: Bearer credential',
            {
              headers: { 'www-authenticate': 'Bearer' },
            },
          );
        }
      }
      if (token?.startsWith(API_KEY_PREFIX)) {
        await options.principals.users.authenticate(token);
        throw new ProblemError(403, 'forbidden', 'an operator identity is required');
      }
      c.set('operator', await options.principals.operators(token));
    } catch (error) {
      if (error instanceof ProblemError) return options.denied(c, error);
      throw error;
    }
    await next();
  };
}
