import { type TObject, type TSchema, Type } from '@sinclair/typebox';
import type { AuthMode } from '../principals/principal';
import { createInputValidator, type ValidateInput } from '../validation/input-validator';
import {
  hasProperty,
  honoPath,
  openObjects,
  pathParamNames,
  RouteDefinitionError,
} from './route-rules';
import type {
  AnyRouteDeclaration,
  IdempotencyMode,
  RouteDeclaration,
  RouteResponses,
} from './route-types';

const AUTH_MODES: readonly AuthMode[] = ['user', 'operator', 'user_or_operator', 'none'];

/** A declared route with its validators compiled: what `createApi` mounts and documents. */
export interface Route extends AnyRouteDeclaration {
  readonly id: string;
  readonly honoPath: string;
  readonly idempotency: IdempotencyMode;
  readonly validate: { params: ValidateInput; query: ValidateInput; body?: ValidateInput };
}

const EMPTY = Type.Object({});

/**
 * Declares a route: its schemas validate requests and document it in OpenAPI. Refuses, at
 * definition time, a route without `auth`, an open body object, a body `user_id` on user routes.
 */
export function defineRoute<
  A extends AuthMode,
  R extends RouteResponses,
  P extends TObject = TObject<Record<never, never>>,
  Q extends TObject = TObject<Record<never, never>>,
  B extends TSchema | undefined = undefined,
>(declaration: RouteDeclaration<A, P, Q, B, R>): Route {
  const route = declaration as unknown as AnyRouteDeclaration;
  const id = `${route.method} ${route.path}`;
  const fail = (message: string) => new RouteDefinitionError(id, message);

  if (!AUTH_MODES.includes(route.auth)) throw fail(`auth must be one of ${AUTH_MODES.join(', ')}`);
  if (!route.path.startsWith('/')) throw fail('path must start with /');
  if (Object.keys(route.responses).length === 0) throw fail('declares no response');
  for (const status of Object.keys(route.responses).map(Number)) {
    if (!(status >= 200 && status < 400))
      throw fail(`response ${status} is not 2xx/3xx; throw a ProblemError instead`);
  }

  const names = pathParamNames(route.path);
  const declared = Object.keys(route.params?.properties ?? {});
  const missing = names.filter((n) => !declared.includes(n));
  const extra = declared.filter((n) => !names.includes(n));
  if (missing.length || extra.length) {
    throw fail(`params schema must declare exactly the path parameters {${names.join(', ')}}`);
  }
  if (route.body) {
    if (route.method === 'GET' || route.method === 'DELETE')
      throw fail('GET and DELETE take no body');
    const open = openObjects(route.body);
    if (open.length)
      throw fail(`body objects must be closed (additionalProperties: false) at ${open.join(', ')}`);
  }
  // An unknown query parameter is a 400 like an unknown body field: `?allocation_id=` on a route
  // without that filter must not answer the unfiltered list.
  if (route.query && route.query.additionalProperties !== false) {
    throw fail('the query object must be closed (additionalProperties: false)');
  }
  // The user a request acts for comes from its credentials, never from what it sends.
  if (route.auth === 'user' || route.auth === 'user_or_operator') {
    if (hasProperty(route.body, 'user_id'))
      throw fail('body must not carry user_id: it comes from the principal');
  }
  if (route.auth === 'user' && hasProperty(route.query, 'user_id')) {
    throw fail('query must not carry user_id: it comes from the principal');
  }

  const idempotency = route.idempotent ?? (route.method === 'POST' && route.auth !== 'none');
  if (idempotency && route.method !== 'POST' && route.method !== 'PATCH') {
    throw fail('Idempotency-Key applies to POST and PATCH only');
  }
  // Keys are scoped to their caller; anonymous callers would all share one scope.
  if (idempotency && route.auth === 'none')
    throw fail('Idempotency-Key needs an authenticated route');

  return {
    ...route,
    id,
    honoPath: honoPath(route.path),
    idempotency,
    validate: {
      params: createInputValidator(route.params ?? EMPTY, 'path'),
      query: createInputValidator(route.query ?? EMPTY, 'query'),
      ...(route.body ? { body: createInputValidator(route.body, 'body') } : {}),
    },
  };
}
