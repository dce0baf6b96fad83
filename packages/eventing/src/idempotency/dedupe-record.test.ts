import { Timestamp } from '@google-cloud/firestore';
import { describe, expect, it } from 'vitest';
import { type DedupeRecord, judgeRecord } from './dedupe-record';
import { dedupeRecordId } from './record-key';

const now = new Date('2026-11-27T10:00:00Z');
const record = (overrides: Partial<DedupeRecord>): DedupeRecord => ({
  consumer: 'billing-worker',
  event_type: 'gpuaas.provisioning.active',
  idempotency_key: 'a:b',
  payload_hash: 'h',
  payload_version: '1.0',
  state: 'completed',
  event_id: 'e',
  correlation_id: 'c',
  subscription: 'gpuaas.provisioning.active.billing-worker',
  attempts: 1,
  lease_owner: null,
  lease_until: null,
  outbox_ids: ['o1'],
  updated_at: Timestamp.fromDate(now),
  completed_at: Timestamp.fromDate(now),
  expire_at: Timestamp.fromDate(now),
  ...overrides,
});
const same = { hash: 'h', version: '1.0' };

describe('judgeRecord', () => {
  it('judges every case of a stored record', () => {
    expect(judgeRecord(undefined, same, now)).toEqual({ kind: 'new' });
    expect(judgeRecord(record({}), same, now)).toEqual({ kind: 'duplicate', outboxIds: ['o1'] });
    expect(judgeRecord(record({}), { hash: 'other', version: '1.0' }, now)).toEqual({
      kind: 'conflict',
      storedHash: 'h',
    });
    const leased = record({
      state: 'in_progress',
      lease_owner: 'x',
      lease_until: Timestamp.fromMillis(now.getTime() + 1000),
    });
    expect(judgeRecord(leased, same, now).kind).toBe('leased');
    expect(judgeRecord(leased, same, now, 'y').kind).toBe('leased');
    expect(judgeRecord(leased, same, now, 'x')).toEqual({ kind: 'owned', attempts: 1 });
    const expired = { ...leased, lease_until: Timestamp.fromMillis(now.getTime() - 1) };
    expect(judgeRecord(expired, same, now)).toEqual({ kind: 'lease_expired', attempts: 1 });
    expect(judgeRecord(expired, same, now, 'x')).toEqual({ kind: 'owned', attempts: 1 });
  });

  it('compares fingerprints within one major only', () => {
    // A later minor of the same major is fingerprinted on the same base fields: a real conflict.
    expect(judgeRecord(record({}), { hash: 'other', version: '1.3' }, now).kind).toBe('conflict');
    // Another major is fingerprinted on other fields: the key alone says it is the same fact.
    expect(judgeRecord(record({}), { hash: 'other', version: '2.0' }, now).kind).toBe('duplicate');
  });
});

describe('record keys', () => {
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
