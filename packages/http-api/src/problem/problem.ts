import { type Static, Type } from '@sinclair/typebox';

/** One bad input: where it is (a JSON pointer into the part named by `in`) and what is wrong. */
export const ProblemFieldError = Type.Object(
  {
    pointer: Type.String({ description: 'JSON pointer (RFC 6901) into the request part' }),
    in: Type.Union([
      Type.Literal('body'),
      Type.Literal('query'),
      Type.Literal('path'),
      Type.Literal('header'),
    ]),
    detail: Type.String(),
  },
  { $id: 'ProblemFieldError', additionalProperties: false },
);
export type ProblemFieldError = Static<typeof ProblemFieldError>;

/** RFC 9457 problem details, with a stable `reason` a client can switch on. */
export const Problem = Type.Object(
  {
    type: Type.String({ description: 'URI of the problem type; ends with the reason' }),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.String(),
    reason: Type.String({ description: 'Stable machine-readable reason code' }),
    field: Type.Optional(
      Type.String({ description: 'JSON pointer of the first offending field, if any' }),
    ),
    errors: Type.Optional(Type.Array(ProblemFieldError)),
  },
  { $id: 'Problem' },
);
export type Problem = Static<typeof Problem>;

/** Reasons this package answers with; apps add their own (`insufficient_balance`, …). */
export type ProblemReason =
  | 'validation_failed'
  | 'malformed_json'
  | 'body_too_large'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'invalid_cursor'
  | 'idempotency_key_invalid'
  | 'idempotency_key_missing'
  | 'idempotency_key_reused'
  | 'idempotency_key_in_flight'
  | 'internal_error'
  | 'temporarily_unavailable'
  | (string & {});

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem types are URNs: stable identifiers, not links to a site the network may not reach. */
export const problemType = (reason: string): string => `urn:gpuaas:problem:${reason}`;

/** `idempotency_key_reused` → `Idempotency key reused`: one title per reason, never per instance. */
export const problemTitle = (reason: string): string => {
  const words = reason.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};
