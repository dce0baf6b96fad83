import { describe, expect, it } from 'vitest';
import { ContractError } from './contract-error';
import { canonicalTimestamp, isRfc3339Utc, isUuid } from './formats';

describe('isUuid', () => {
  it.each(['0f8fad5b-d9cb-469f-a165-70867728950e', '0F8FAD5B-D9CB-469F-A165-70867728950E'])(
    'accepts %s',
    (value) => expect(isUuid(value)).toBe(true),
  );
  it.each([
    '',
    'not-a-uuid',
    '0f8fad5bd9cb469fa16570867728950e',
    '0f8fad5b-d9cb-469f-a165-70867728950',
    '0f8fad5b-d9cb-469f-a165-70867728950e0',
    '{0f8fad5b-d9cb-469f-a165-70867728950e}',
    'urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e',
    'gf8fad5b-d9cb-469f-a165-70867728950e',
  ])('rejects %j', (value) => expect(isUuid(value)).toBe(false));
});

describe('isRfc3339Utc', () => {
  it.each([
    '2026-01-15T09:30:00Z',
    '2026-01-15T09:30:00.000Z',
    '2026-01-15T09:30:00.123456789Z',
    '2024-02-29T23:59:59Z',
    '2000-02-29T00:00:00Z',
    '2026-12-31T23:59:59.9Z',
  ])('accepts %s', (value) => expect(isRfc3339Utc(value)).toBe(true));

  it.each([
    ['offset instead of Z', '2026-01-15T09:30:00+00:00'],
    ['no zone', '2026-01-15T09:30:00'],
    ['lower-case z', '2026-01-15T09:30:00z'],
    ['space separator', '2026-01-15 09:30:00Z'],
    ['date only', '2026-01-15'],
    ['Feb 30', '2026-02-30T00:00:00Z'],
    ['Feb 29 outside a leap year', '2026-02-29T00:00:00Z'],
    ['Feb 29 in a century year', '1900-02-29T00:00:00Z'],
    ['Apr 31', '2026-04-31T00:00:00Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['month 0', '2026-00-10T00:00:00Z'],
    ['day 0', '2026-01-00T00:00:00Z'],
    ['hour 24', '2026-01-15T24:00:00Z'],
    ['minute 60', '2026-01-15T09:60:00Z'],
    ['leap second', '2026-12-31T23:59:60Z'],
    ['empty fraction', '2026-01-15T09:30:00.Z'],
    ['epoch millis', '1768469400000'],
    ['words', 'yesterday'],
  ])('rejects %s', (_why, value) => expect(isRfc3339Utc(value)).toBe(false));
});

describe('canonicalTimestamp', () => {
  it.each([
    ['2026-01-15T09:30:00Z', '2026-01-15T09:30:00Z'],
    ['2026-01-15T09:30:00.0Z', '2026-01-15T09:30:00Z'],
    ['2026-01-15T09:30:00.000Z', '2026-01-15T09:30:00Z'],
    ['2026-01-15T09:30:00.000000000Z', '2026-01-15T09:30:00Z'],
    ['2026-01-15T09:30:00.500Z', '2026-01-15T09:30:00.5Z'],
    ['2026-01-15T09:30:00.120Z', '2026-01-15T09:30:00.12Z'],
    ['2026-01-15T09:30:00.100200300Z', '2026-01-15T09:30:00.1002003Z'],
    ['2026-01-15T09:30:00.123456789Z', '2026-01-15T09:30:00.123456789Z'],
    ['2026-01-15T09:30:00.000000001Z', '2026-01-15T09:30:00.000000001Z'],
  ])('%s -> %s', (text, canonical) => {
    expect(canonicalTimestamp(text)).toBe(canonical);
    expect(canonicalTimestamp(canonical)).toBe(canonical);
  });

  it.each([
    ['an offset (the contract accepts Z only)', '2026-01-15T10:30:00+01:00'],
    ['no zone', '2026-01-15T09:30:00'],
    ['Feb 30', '2026-02-30T00:00:00Z'],
    ['an empty string', ''],
    ['ten fraction digits', '2026-01-15T09:30:00.0000000000Z'],
    ['a 4 MB fraction', `2026-01-15T09:30:00.${'0'.repeat(4_000_000)}Z`],
  ])('refuses %s', (_why, text) => {
    expect(() => canonicalTimestamp(text)).toThrow(ContractError);
  });
});
