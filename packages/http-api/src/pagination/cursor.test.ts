import { Timestamp } from '@google-cloud/firestore';
import { describe, expect, it } from 'vitest';
import { ProblemError } from '../problem/problem-error';
import { decodeCursor, encodeCursor, type OrderBy } from './cursor';

const orderBy: OrderBy = [
  ['created_at', 'desc'],
  ['priority', 'asc'],
];

describe('cursors', () => {
  it('round-trip sort values, keeping timestamps to the nanosecond', () => {
    const ts = new Timestamp(1_790_000_000, 123_456_789);
    const cursor = encodeCursor(orderBy, { values: [ts, 3], path: 'notes/n1' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const position = decodeCursor(orderBy, cursor);
    expect((position.values[0] as Timestamp).isEqual(ts)).toBe(true);
    expect(position).toMatchObject({ values: [expect.anything(), 3], path: 'notes/n1' });
  });

  it('refuse a cursor of another ordering or one that was altered', () => {
    const cursor = encodeCursor(orderBy, { values: ['a', 1], path: 'notes/n1' });
    const refused = (c: string, o: OrderBy = orderBy) => {
      try {
        decodeCursor(o, c);
      } catch (error) {
        return error instanceof ProblemError && error.toProblem().field === '/cursor';
      }
      return false;
    };
    expect(refused(cursor, [['created_at', 'asc']])).toBe(true);
    expect(refused(cursor, [['created_at', 'desc']])).toBe(true);
    expect(refused('%%%')).toBe(true);
    expect(refused(Buffer.from('[1,2]').toString('base64url'))).toBe(true);
    const body = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    expect(
      refused(
        Buffer.from(JSON.stringify({ ...body, v: [{ ts: [1, -1] }, 1] })).toString('base64url'),
      ),
    ).toBe(true);
    expect(refused(Buffer.from(JSON.stringify({ ...body, p: '' })).toString('base64url'))).toBe(
      true,
    );
    expect(refused(cursor)).toBe(false);
  });
});
