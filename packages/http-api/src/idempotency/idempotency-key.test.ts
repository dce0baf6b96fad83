import { Timestamp } from '@google-cloud/firestore';
import { describe, expect, it } from 'vitest';
import { ProblemError } from '../problem/problem-error';
import { idempotencyRecordId, readIdempotencyKey, requestFingerprint } from './idempotency-key';
import { type IdempotencyRecord, judgeIdempotency } from './idempotency-record';

describe('readIdempotencyKey', () => {
  it('reads the structured-field string of the draft and the bare form', () => {
    expect(readIdempotencyKey('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe(
      '8e03978e-40d5-43e8-bc93-6894a57f9324',
    );
    expect(readIdempotencyKey('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe(
      '8e03978e-40d5-43e8-bc93-6894a57f9324',
    );
    expect(readIdempotencyKey('"with \\"quote\\""')).toBe('with "quote"');
    expect(readIdempotencyKey(undefined)).toBeUndefined();
  });

  // An empty header is a key that went missing in the client: never a request without a key.
  it.each(['', '  ', '"unterminated', '""', 'has space', `"${'a'.repeat(256)}"`, 'é'])(
    'refuses %s',
    (header) => {
      expect(() => readIdempotencyKey(header)).toThrow(ProblemError);
    },
  );
});

describe('idempotency record keys', () => {
  const alice = { kind: 'user', userId: 'alice', keyId: 'key_1' } as const;
  const bob = { kind: 'user', userId: 'bob', keyId: 'key_2' } as const;

  it('scope a key to its caller, method and route', () => {
    const id = idempotencyRecordId(alice, 'POST', '/v1/notes', 'k');
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(idempotencyRecordId(alice, 'POST', '/v1/notes', 'k')).toBe(id);
    expect(idempotencyRecordId(bob, 'POST', '/v1/notes', 'k')).not.toBe(id);
    expect(idempotencyRecordId(alice, 'POST', '/v1/other', 'k')).not.toBe(id);
    expect(
      idempotencyRecordId({ kind: 'operator', email: 'alice' }, 'POST', '/v1/notes', 'k'),
    ).not.toBe(id);
  });

  it('fingerprint bodies independently of key order, and tell params apart', () => {
    expect(requestFingerprint({}, { a: 1, b: [1, 2] })).toBe(
      requestFingerprint({}, { b: [1, 2], a: 1 }),
    );
    expect(requestFingerprint({}, { a: 1 })).not.toBe(requestFingerprint({}, { a: 2 }));
    expect(requestFingerprint({ id: 'x' }, undefined)).not.toBe(
      requestFingerprint({ id: 'y' }, undefined),
    );
  });
});

describe('judgeIdempotency', () => {
  const now = new Date('2026-11-27T10:00:00Z');
  const at = (offsetMs: number) => Timestamp.fromMillis(now.getTime() + offsetMs);
  const record = (overrides: Partial<IdempotencyRecord>): IdempotencyRecord => ({
    principal: 'user:alice',
    method: 'POST',
    path: '/v1/notes',
    fingerprint: 'f',
    state: 'in_flight',
    lease_owner: 'o',
    lease_until: at(1000),
    response: null,
    created_at: at(-1000),
    completed_at: null,
    expire_at: at(60_000),
    ...overrides,
  });
  const response = { status: 201, headers: {}, body: '{}' };

  it('judges every case', () => {
    expect(judgeIdempotency(undefined, 'f', now)).toEqual({ kind: 'new' });
    expect(judgeIdempotency(record({}), 'f', now)).toEqual({ kind: 'in_flight' });
    expect(judgeIdempotency(record({}), 'other', now)).toEqual({ kind: 'mismatch' });
    expect(judgeIdempotency(record({ lease_until: at(-1) }), 'f', now)).toEqual({
      kind: 'lease_expired',
    });
    const done = record({ state: 'completed', lease_until: null, response });
    expect(judgeIdempotency(done, 'f', now)).toEqual({ kind: 'replay', response });
    expect(judgeIdempotency(done, 'other', now)).toEqual({ kind: 'mismatch' });
    // Past retention the key is free again, whatever it was used for.
    expect(judgeIdempotency(record({ ...done, expire_at: at(-1) }), 'other', now)).toEqual({
      kind: 'new',
    });
  });
});
