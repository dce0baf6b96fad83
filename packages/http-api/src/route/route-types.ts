import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { Context } from 'hono';
import type { AuthMode, PrincipalFor } from '../principals/principal';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Response schemas by status; `null` is a response without a body (204). */
export type RouteResponses = { [status: number]: TSchema | null };

/** Whether a route honours `Idempotency-Key`; `'required'` refuses a request without one. */
export type IdempotencyMode = boolean | 'required';

type BodyOf<S> = S extends TSchema ? Static<S> : undefined;

/** What a handler answers: one of its declared statuses with that status's body. */
export type RouteResult<R extends RouteResponses> = {
  [S in keyof R & number]: R[S] extends TSchema
    ? { status: S; body: Static<R[S]>; headers?: Record<string, string> }
    : { status: S; body?: undefined; headers?: Record<string, string> };
}[keyof R & number];

/** What a handler receives: validated, typed input and the authenticated principal. */
export interface RouteInput<A extends AuthMode, P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: PrincipalFor<A>;
  /** The request's `Idempotency-Key`, to derive deterministic ids from (see `deriveId`). */
  idempotencyKey: string | undefined;
  /** The Hono context, to read headers; response headers go in the result, not on `c`. */
  c: Context;
}

export interface RouteDeclaration<
  A extends AuthMode,
  P extends TObject,
  Q extends TObject,
  B extends TSchema | undefined,
  R extends RouteResponses,
> {
  method: HttpMethod;
  /** OpenAPI path template: `/v1/allocations/{allocation_id}`. */
  path: string;
  summary: string;
  description?: string;
  operationId?: string;
  tags?: string[];
  auth: A;
  params?: P;
  query?: Q;
  body?: B;
  responses: R;
  /** Problem statuses a handler throws beyond those every route documents (402, 409, …). */
  problems?: number[];
  /** Headers the handler sets, per answer status, with what they say: `{ 201: { Location: … } }`. */
  responseHeaders?: Readonly<Partial<Record<keyof R & number, Readonly<Record<string, string>>>>>;
  /** Default: true for POST on authenticated routes, false otherwise. */
  idempotent?: IdempotencyMode;
  // NoInfer: the responses alone fix R, so a handler's `status: 201` stays a literal.
  handler(
    input: RouteInput<A, Static<P>, Static<Q>, BodyOf<B>>,
  ): Promise<RouteResult<NoInfer<R>>> | RouteResult<NoInfer<R>>;
}

/** A route without its type parameters, for lists of routes. */
export interface AnyRouteDeclaration {
  method: HttpMethod;
  path: string;
  summary: string;
  description?: string;
  operationId?: string;
  tags?: string[];
  auth: AuthMode;
  params?: TObject;
  query?: TObject;
  body?: TSchema;
  responses: RouteResponses;
  problems?: number[];
  responseHeaders?: Readonly<Record<number, Readonly<Record<string, string>>>>;
  idempotent?: IdempotencyMode;
  // biome-ignore lint/suspicious/noExplicitAny: erased handler type of a heterogeneous route list
  handler(input: RouteInput<AuthMode, any, any, any>): Promise<AnyResult> | AnyResult;
}

export interface AnyResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
