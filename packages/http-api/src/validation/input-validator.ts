import { type TSchema, TypeGuard } from '@sinclair/typebox';
import { TypeCompiler, type ValueError } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { ProblemFieldError } from '../problem/problem';
import { ProblemError } from '../problem/problem-error';

export type InputPart = ProblemFieldError['in'];

/** Validates one request part; returns the value with defaults applied, or throws a 400 problem. */
export type ValidateInput = (value: unknown) => unknown;

const MAX_REPORTED_ERRORS = 20;

/** Compiled once, when the route is defined; never per request. */
export function createInputValidator(schema: TSchema, part: InputPart): ValidateInput {
  const compiled = TypeCompiler.Compile(schema);
  // Path and query values arrive as strings: convert to the declared numbers and booleans first.
  const fromStrings = part === 'query' || part === 'path';
  return function validateInput(raw) {
    let value = fromStrings ? Value.Convert(schema, raw) : raw;
    value = Value.Default(schema, value);
    if (compiled.Check(value)) return value;
    const errors = fieldErrors(compiled.Errors(value), part);
    const summary = errors.map((e) => `${e.pointer || '(root)'}: ${e.detail}`).join('; ');
    throw new ProblemError(400, 'validation_failed', `invalid ${part}: ${summary}`, { errors });
  };
}

function fieldErrors(errors: Iterable<ValueError>, part: InputPart): ProblemFieldError[] {
  const byPointer = new Map<string, ProblemFieldError>();
  for (const error of errors) {
    // TypeBox reports a missing field twice (required, then its type): the first says it best.
    if (byPointer.has(error.path)) continue;
    byPointer.set(error.path, { pointer: error.path, in: part, detail: describe(error) });
    if (byPointer.size >= MAX_REPORTED_ERRORS) break;
  }
  return [...byPointer.values()];
}

/** An enum's message names its values, so a client sees what it may send. */
function describe(error: ValueError): string {
  const { schema } = error;
  if (TypeGuard.IsUnion(schema) && schema.anyOf.every((s) => TypeGuard.IsLiteral(s))) {
    const allowed = schema.anyOf.map((s) => JSON.stringify(s.const)).join(', ');
    return `Expected one of ${allowed}`;
  }
  return error.message;
}
