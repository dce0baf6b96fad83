import { describe, expect, it } from 'vitest';
import * as contracts from './index';

describe('public API', () => {
  it('has no ordering key lookup: events are published unordered', () => {
    expect(Object.keys(contracts).filter((name) => /ordering/i.test(name))).toEqual([]);
  });

  it('exports the canonical timestamp and the payload fingerprint', () => {
    expect(contracts.canonicalTimestamp('2026-01-15T09:30:00.000Z')).toBe('2026-01-15T09:30:00Z');
    expect(typeof contracts.payloadFingerprint).toBe('function');
    expect(typeof contracts.createPayloadFingerprint).toBe('function');
  });
});
