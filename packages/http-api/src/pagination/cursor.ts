import { createHash } from 'node:crypto';
import { Timestamp } from '@google-cloud/firestore';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { invalidInput } from '../problem/problem-error';

/** One sort value; a Timestamp keeps its nanoseconds, so the next page starts exactly after it. */
const CursorValue = Type.Union([
  Type.String(),
  Type.Number(),
  Type.Boolean(),
  Type.Null(),
  Type.Object(
    { ts: Type.Tuple([Type.Integer(), Type.Integer({ minimum: 0, maximum: 999_999_999 })]) },
    { additionalProperties: false },
  ),
]);

const CursorBody = Type.Object(
  {
    /** Which ordering the cursor belongs to: a cursor of another listing is refused. */
    o: Type.String(),
    v: Type.Array(CursorValue),
    /** Path of the last document: the tie-breaker among equal sort values. */
    p: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);
type CursorBody = Static<typeof CursorBody>;
const checkCursor = TypeCompiler.Compile(CursorBody);

export type SortDirection = 'asc' | 'desc';
export type OrderBy = readonly (readonly [field: string, direction: SortDirection])[];

export interface CursorPosition {
  values: unknown[];
  path: string;
}

export const orderingId = (orderBy: OrderBy): string =>
  createHash('sha256').update(JSON.stringify(orderBy)).digest('base64url').slice(0, 12);

const encodeValue = (value: unknown): Static<typeof CursorValue> => {
  if (value instanceof Timestamp) return { ts: [value.seconds, value.nanoseconds] };
  if (value === undefined) return null;
  if (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value === null
  )
    return value;
  throw new Error(`a cursor cannot hold a sort value of type ${typeof value}`);
};

const decodeValue = (value: Static<typeof CursorValue>): unknown =>
  value !== null && typeof value === 'object' ? new Timestamp(value.ts[0], value.ts[1]) : value;

/** Opaque to clients: base64url JSON of the last item's sort values and document path. */
export function encodeCursor(orderBy: OrderBy, position: CursorPosition): string {
  const body: CursorBody = {
    o: orderingId(orderBy),
    v: position.values.map(encodeValue),
    p: position.path,
  };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

export const invalidCursor = () =>
  invalidInput('query', '/cursor', 'the cursor is not valid for this listing', 'invalid_cursor');

/** The position a cursor names; a 400 problem naming `/cursor` for anything malformed or foreign. */
export function decodeCursor(orderBy: OrderBy, cursor: string): CursorPosition {
  let body: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!checkCursor.Check(body)) throw invalidCursor();
  if (body.o !== orderingId(orderBy) || body.v.length !== orderBy.length) throw invalidCursor();
  return { values: body.v.map(decodeValue), path: body.p };
}
