import { type TSchema, TypeGuard } from '@sinclair/typebox';
import { TypeCompiler, type ValueError } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { ProblemFieldError } from '../problem/problem';
import { ProblemError } from '../problem/problem-error';

export type InputPart = ProblemFieldError['in'];

/** Validates one request part; returns the value with defaults applied, or throws a 400 problem. */
export type ValidateInput = (value: unknown) => unknown;

const MAX_REPORTED_ERRORS = 20;

const INTEGER_TEXT = /^-?(0|[1-9][0-9]*)$/;
const NUMBER_TEXT = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/**
 * A path or query value as the type its schema declares, when the text is exactly one: `10` for
 * an integer, `1.5` for a number, `true` / `false` for a boolean. Anything else stays text and
 * fails the check at its field (TypeBox's own Convert reads `1.5` and `1e2` as the integer 1).
 */
function fromText(schema: TSchema, text: string): unknown {
  if (TypeGuard.IsUnion(schema)) {
    for (const member of schema.anyOf) {
      const value = fromText(member, text);
      if (value !== text) return value;
    }
    return text;
  }
  if (TypeGuard.IsLiteral(schema)) {
    return typeof schema.const !== 'string' && String(schema.const) === text ? schema.const : text;
  }
  if (TypeGuard.IsInteger(schema)) return INTEGER_TEXT.test(text) ? Number(text) : text;
  if (TypeGuard.IsNumber(schema)) return NUMBER_TEXT.test(text) ? Number(text) : text;
  if (TypeGuard.IsBoolean(schema)) {
    if (text === 'true') return true;
    if (text === 'false') return false;
  }
  return text;
}

/** Path and query values arrive as text: each declared property is read as its declared type. */
function convertTexts(schema: TSchema, raw: unknown): unknown {
  if (!TypeGuard.IsObject(schema) || typeof raw !== 'object' || raw === null) return raw;
  const converted: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const [name, property] of Object.entries(schema.properties)) {
    const value = converted[name];
    if (typeof value === 'string') converted[name] = fromText(property, value);
  }
  return converted;
}

/** Compiled once, when the route is defined; never per request. */
export function createInputValidator(schema: TSchema, part: InputPart): ValidateInput {
  const compiled = TypeCompiler.Compile(schema);
  const fromStrings = part === 'query' || part === 'path';
  return function validateInput(raw) {
    let value = fromStrings ? convertTexts(schema, raw) : raw;
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
