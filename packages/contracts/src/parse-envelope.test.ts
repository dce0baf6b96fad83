import { describe, expect, it } from 'vitest';
import type { EventType } from './catalog';
import type { ParseErrorCode } from './contract-error';
import { createEnvelope } from './create-envelope';
import { examples } from './examples';
import { parseEnvelope } from './parse-envelope';

const active = createEnvelope(
  'gpuaas.provisioning.active',
  examples['gpuaas.provisioning.active'],
  {
    correlationId: 'corr-1',
    eventId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    occurredAt: '2026-01-15T09:31:12.500Z',
  },
);
const json = JSON.stringify(active);

function changed(patch: Record<string, unknown>, payloadPatch: Record<string, unknown> = {}) {
  return { ...active, ...patch, payload: { ...active.payload, ...payloadPatch } };
}

function without(field: string) {
  const copy: Record<string, unknown> = { ...active };
  delete copy[field];
  return copy;
}

describe('parseEnvelope accepts', () => {
  it.each([
    ['a JSON string', json],
    ['a Buffer', Buffer.from(json)],
    ['a Uint8Array', new TextEncoder().encode(json)],
    ['an already-parsed object', JSON.parse(json)],
  ])('%s', (_form, data) => {
    const result = parseEnvelope(data);
    expect(result).toEqual({ ok: true, event: active });
  });

  it.each(Object.keys(examples) as EventType[])('a valid %s envelope', (eventType) => {
    const event = createEnvelope(eventType, examples[eventType] as never, { correlationId: 'c' });
    expect(parseEnvelope(JSON.stringify(event))).toEqual({ ok: true, event });
  });

  it('an unknown minor of a known major, validated against the highest known minor, extra fields kept', () => {
    const newer = changed({ version: '1.7' }, { added_in_1_7: { any: 'shape' } });
    const result = parseEnvelope(JSON.stringify(newer));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.event.version).toBe('1.7');
    expect(result.event.payload.added_in_1_7).toEqual({ any: 'shape' });
  });

  it('an unknown minor is still held to the known schema', () => {
    const result = parseEnvelope(changed({ version: '1.7' }, { gpu_count: 0 }));
    expect(result.ok || result.error.code).toBe('payload_invalid');
  });

  it('an older minor, held to the fields a later minor declares (active 1.0 and 1.1)', () => {
    const { billing_increment_seconds: _increment, ...v1_0 } = active.payload;
    expect(parseEnvelope({ ...active, version: '1.0', payload: v1_0 }).ok).toBe(true);
    expect(parseEnvelope(changed({ version: '1.0' })).ok).toBe(true);
    // 1.0 does not name the field, but 1.1 does: a consumer typed on 1.1 never sees 30.
    for (const stray of [30, '60', null]) {
      const result = parseEnvelope(
        changed({ version: '1.0' }, { billing_increment_seconds: stray }),
      );
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error.code).toBe('payload_invalid');
      expect(result.error.issues.map((i) => i.path)).toContain(
        '/payload/billing_increment_seconds',
      );
    }
    expect(() =>
      createEnvelope(
        'gpuaas.provisioning.active',
        { ...active.payload, billing_increment_seconds: 30 as 60 },
        { correlationId: 'c', version: '1.0' },
      ),
    ).toThrow(/billing_increment_seconds/);
  });
});

describe('parseEnvelope rejects', () => {
  it.each<[string, unknown, ParseErrorCode, string]>([
    ['text that is not JSON', '{"event_id":', 'not_json', ''],
    ['bytes that are not UTF-8', Uint8Array.from([0x7b, 0xff, 0x7d]), 'not_json', ''],
    ['an empty string', '', 'not_json', ''],
    ['a JSON array', '[]', 'not_object', ''],
    ['JSON null', 'null', 'not_object', ''],
    ['a JSON number', '42', 'not_object', ''],
    ['undefined', undefined, 'not_object', ''],
    ['a bad event_id', changed({ event_id: 'evt-1' }), 'envelope_invalid', '/event_id'],
    ['a missing event_id', without('event_id'), 'envelope_invalid', '/event_id'],
    [
      'an event_type breaking the naming rule',
      changed({ event_type: 'Provisioning-Active' }),
      'envelope_invalid',
      '/event_type',
    ],
    [
      'occurred_at with an offset',
      changed({ occurred_at: '2026-01-15T10:31:12+01:00' }),
      'envelope_invalid',
      '/occurred_at',
    ],
    [
      'occurred_at on Feb 30',
      changed({ occurred_at: '2026-02-30T10:31:12Z' }),
      'envelope_invalid',
      '/occurred_at',
    ],
    ['a semver version', changed({ version: '1.0.0' }), 'envelope_invalid', '/version'],
    ['a numeric version', changed({ version: 1 }), 'envelope_invalid', '/version'],
    [
      'an empty correlation_id',
      changed({ correlation_id: '' }),
      'envelope_invalid',
      '/correlation_id',
    ],
    [
      'a correlation_id over 256 characters',
      changed({ correlation_id: 'c'.repeat(257) }),
      'envelope_invalid',
      '/correlation_id',
    ],
    ['a missing payload', without('payload'), 'envelope_invalid', '/payload'],
    ['an array payload', { ...active, payload: [] }, 'envelope_invalid', '/payload'],
    [
      'a seventh envelope field',
      changed({ idempotency_key: 'x' }),
      'envelope_invalid',
      '/idempotency_key',
    ],
    [
      'an event type not in the catalog',
      changed({ event_type: 'gpuaas.provisioning.teleported' }),
      'unknown_event_type',
      '/event_type',
    ],
    ['a major the catalog lacks', changed({ version: '2.0' }), 'unsupported_major', '/version'],
    ['major 0', changed({ version: '0.9' }), 'unsupported_major', '/version'],
    [
      'a payload missing a field',
      changed({}, { started_at: undefined }),
      'payload_invalid',
      '/payload/started_at',
    ],
    [
      'a payload field of the wrong type',
      changed({}, { gpu_count: '2' }),
      'payload_invalid',
      '/payload/gpu_count',
    ],
    ['a bad currency', changed({}, { currency: 'usd' }), 'payload_invalid', '/payload/currency'],
  ])('%s', (_why, data, code, path) => {
    const result = parseEnvelope(
      typeof data === 'object' && data !== null && !(data instanceof Uint8Array)
        ? JSON.parse(JSON.stringify(data))
        : data,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.issues.map((issue) => issue.path)).toContain(path);
    expect(result.error.message).toContain(code);
  });

  it('a major the consumer does not accept', () => {
    const result = parseEnvelope(json, { accept: { 'gpuaas.provisioning.active': [2] } });
    expect(result.ok || result.error.code).toBe('unsupported_major');
  });

  it('checks the envelope before the event type', () => {
    const result = parseEnvelope(changed({ event_type: 'unknown.event.type', event_id: 'x' }));
    expect(result.ok || result.error.code).toBe('envelope_invalid');
  });
});
