import { describe, expect, it } from 'vitest';
import { createEnvelope } from './create-envelope';
import { examples } from './examples';
import { isUuid } from './formats';

const payload = examples['gpuaas.provisioning.requested'];

describe('createEnvelope', () => {
  it('fills event_id, occurred_at and version by default', () => {
    const before = Date.now();
    const event = createEnvelope('gpuaas.provisioning.requested', payload, {
      correlationId: 'req-1',
    });
    expect(isUuid(event.event_id)).toBe(true);
    expect(event.event_type).toBe('gpuaas.provisioning.requested');
    expect(event.version).toBe('1.0');
    expect(event.correlation_id).toBe('req-1');
    expect(event.payload).toBe(payload);
    expect(Date.parse(event.occurred_at)).toBeGreaterThanOrEqual(before);
    expect(event.occurred_at.endsWith('Z')).toBe(true);
    expect(Object.keys(event)).toEqual([
      'event_id',
      'event_type',
      'occurred_at',
      'version',
      'correlation_id',
      'payload',
    ]);
  });

  it('uses the given id, time (Date or string) and version', () => {
    const options = {
      correlationId: 'c',
      eventId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      version: '1.0',
    };
    const fromDate = createEnvelope('gpuaas.provisioning.requested', payload, {
      ...options,
      occurredAt: new Date(Date.UTC(2026, 0, 15, 9, 30)),
    });
    expect(fromDate.occurred_at).toBe('2026-01-15T09:30:00.000Z');
    expect(fromDate.event_id).toBe(options.eventId);
    const fromString = createEnvelope('gpuaas.provisioning.requested', payload, {
      ...options,
      occurredAt: '2026-01-15T09:30:00Z',
    });
    expect(fromString.occurred_at).toBe('2026-01-15T09:30:00Z');
  });

  it.each([
    [
      'a payload missing a field',
      { ...payload, gpu_count: undefined },
      {},
      'payload_invalid',
      '/payload/gpu_count',
    ],
    [
      'a payload with a bad currency',
      { ...payload, currency: 'usd' },
      {},
      'payload_invalid',
      '/payload/currency',
    ],
    [
      'an empty correlation id',
      payload,
      { correlationId: '' },
      'envelope_invalid',
      '/correlation_id',
    ],
    ['a bad event id', payload, { eventId: '42' }, 'envelope_invalid', '/event_id'],
    [
      'a local time',
      payload,
      { occurredAt: '2026-01-15T10:30:00+01:00' },
      'envelope_invalid',
      '/occurred_at',
    ],
    [
      'an invalid Date',
      payload,
      { occurredAt: new Date(Number.NaN) },
      'envelope_invalid',
      '/occurred_at',
    ],
    ['an unknown version', payload, { version: '1.1' }, 'unsupported_major', '/version'],
  ] as const)('throws a ContractError for %s', (_why, badPayload, options, code, path) => {
    const build = () =>
      createEnvelope('gpuaas.provisioning.requested', badPayload as typeof payload, {
        correlationId: 'c',
        ...options,
      });
    expect(build).toThrow(
      expect.objectContaining({
        name: 'ContractError',
        code,
        issues: expect.arrayContaining([expect.objectContaining({ path })]),
      }),
    );
  });
});
