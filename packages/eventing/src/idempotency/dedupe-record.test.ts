import { Timestamp } from '@google-cloud/firestore';
import { describe, expect, it } from 'vitest';
import { type DedupeRecord, judgeRecord } from './dedupe-record';
import { canonicalJson, dedupeRecordId, payloadHash } from './record-key';

const now = new Date('2026-11-27T10:00:00Z');
const record = (overrides: Partial<DedupeRecord>): DedupeRecord => ({
  consumer: 'billing-worker',
  event_type: 'gpuaas.provisioning.active',
  idempotency_key: 'a:b',
  payload_hash: 'h',
  state: 'completed',
  event_id: 'e',
  attempts: 1,
  lease_owner: null,
  lease_until: null,
  outbox_ids: ['o1'],
  updated_at: Timestamp.fromDate(now),
  completed_at: Timestamp.fromDate(now),
  expire_at: Timestamp.fromDate(now),
  ...overrides,
});

describe('judgeRecord', () => {
  it('judges every case of a stored record', () => {
    expect(judgeRecord(undefined, 'h', now)).toEqual({ kind: 'new' });
    expect(judgeRecord(record({}), 'h', now)).toEqual({ kind: 'duplicate', outboxIds: ['o1'] });
    expect(judgeRecord(record({}), 'other', now)).toEqual({ kind: 'conflict', storedHash: 'h' });
    const leased = record({
      state: 'in_progress',
      lease_owner: 'x',
      lease_until: Timestamp.fromMillis(now.getTime() + 1000),
    });
    expect(judgeRecord(leased, 'h', now).kind).toBe('leased');
    expect(judgeRecord(leased, 'h', now, 'y').kind).toBe('leased');
    expect(judgeRecord(leased, 'h', now, 'x')).toEqual({ kind: 'owned', attempts: 1 });
    const expired = { ...leased, lease_until: Timestamp.fromMillis(now.getTime() - 1) };
    expect(judgeRecord(expired, 'h', now)).toEqual({ kind: 'lease_expired', attempts: 1 });
    expect(judgeRecord(expired, 'h', now, 'x')).toEqual({ kind: 'owned', attempts: 1 });
  });
});

describe('record keys', () => {
  it('hashes payloads independently of key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(payloadHash({ a: 1, b: 2 })).toBe(payloadHash({ b: 2, a: 1 }));
    expect(payloadHash({ a: 1 })).not.toBe(payloadHash({ a: 2 }));
  });

  it('separates consumers and event types', () => {
    const id = dedupeRecordId('billing-worker', 'gpuaas.provisioning.active', ['a', 't']);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(id).not.toBe(
      dedupeRecordId('notification-relay', 'gpuaas.provisioning.active', ['a', 't']),
    );
  });

  it('keeps key parts apart: a separator inside a value makes no collision', () => {
    const type = 'gpuaas.provisioning.force_release_requested';
    expect(dedupeRecordId('provisioning-worker', type, ['u:1', 'w'])).not.toBe(
      dedupeRecordId('provisioning-worker', type, ['u', '1:w']),
    );
  });
});
