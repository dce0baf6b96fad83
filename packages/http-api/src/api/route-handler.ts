import type { Context } from 'hono';
import type { Logger } from 'pino';
import {
  IDEMPOTENCY_KEY_HEADER,
  idempotencyRecordId,
  principalKey,
  readIdempotencyKey,
  requestFingerprint,
} from '../idempotency/idempotency-key';
import type { StoredResponse } from '../idempotency/idempotency-record';
import type { IdempotencyStore } from '../idempotency/idempotency-store';
import type { Principal, Principals } from '../principals/principal';
import { resolvePrincipal } from '../principals/resolve-principal';
import { invalidInput, ProblemError } from '../problem/problem-error';
import type { Route } from '../route/define-route';
import { readJsonBody } from './read-body';
import { problemToStored, resultToStored, storedToResponse } from './route-response';

export interface RouteHandlerOptions {
  principals: Principals;
  /** Present whenever a route honours `Idempotency-Key` (`createApi` checks it). */
  idempotency: IdempotencyStore | undefined;
  logger: Logger;
}

interface Request {
  principal: Principal | null;
  params: unknown;
  query: unknown;
  body: unknown;
  rawBody: unknown;
}

/** One route's pipeline: authenticate → validate → (claim the idempotency key) → handle. */
export function createRouteHandler(route: Route, options: RouteHandlerOptions) {
  const { principals, idempotency, logger } = options;

  // Authentication first: a caller without credentials learns nothing of the input rules.
  async function readRequest(c: Context): Promise<Request> {
    const principal = await resolvePrincipal(principals, route.auth, c.req.header('authorization'));
    const params = route.validate.params(c.req.param());
    const query = route.validate.query(c.req.query());
    let rawBody: unknown;
    let body: unknown;
    if (route.validate.body) {
      rawBody = await readJsonBody(c);
      body = route.validate.body(structuredClone(rawBody));
    }
    return { principal, params, query, body, rawBody };
  }

  async function answer(c: Context, request: Request, key: string | undefined) {
    c.set('principal', request.principal);
    c.set('idempotencyKey', key);
    try {
      const result = await route.handler({
        params: request.params,
        query: request.query,
        body: request.body,
        principal: request.principal,
        idempotencyKey: key,
        c,
      });
      return resultToStored(result);
    } catch (error) {
      // A 4xx problem is an answer like any other; anything else is left to the error handler.
      if (error instanceof ProblemError && error.status < 500) return problemToStored(error);
      throw error;
    }
  }

  return async function routeHandler(c: Context): Promise<Response> {
    const request = await readRequest(c);
    const key = route.idempotency
      ? readIdempotencyKey(c.req.header(IDEMPOTENCY_KEY_HEADER))
      : undefined;
    if (route.idempotency === 'required' && key === undefined) {
      throw invalidInput(
        'header',
        `/${IDEMPOTENCY_KEY_HEADER}`,
        'an Idempotency-Key is required',
        'idempotency_key_missing',
      );
    }
    if (key === undefined || !idempotency) return storedToResponse(await answer(c, request, key));

    const begun = await idempotency.begin(
      idempotencyRecordId(request.principal, route.method, route.path, key),
      {
        principal: principalKey(request.principal),
        method: route.method,
        path: route.path,
        fingerprint: requestFingerprint(request.params, request.rawBody),
      },
    );
    if (begun.kind === 'replay')
      return storedToResponse(begun.response, { 'idempotent-replayed': 'true' });
    if (begun.kind === 'mismatch') {
      throw new ProblemError(
        422,
        'idempotency_key_reused',
        'this Idempotency-Key was used with another request',
      );
    }
    if (begun.kind === 'in_flight') {
      throw new ProblemError(
        409,
        'idempotency_key_in_flight',
        'a request with this Idempotency-Key is in progress',
        {
          headers: { 'retry-after': '1' },
        },
      );
    }
    let stored: StoredResponse;
    try {
      stored = await answer(c, request, key);
    } catch (error) {
      // A failure is no answer: the key goes back, so a retry runs the handler again.
      await idempotency.release(begun.claim).catch((releaseError: unknown) => {
        logger.warn({ err: releaseError, route: route.id }, 'idempotency key not released');
      });
      throw error;
    }
    try {
      await idempotency.complete(begun.claim, stored);
    } catch (error) {
      // The handler's work is done: answer it. The key stays in flight until its lease ends.
      logger.error({ err: error, route: route.id }, 'idempotent answer not stored');
    }
    return storedToResponse(stored);
  };
}
