import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { defineEvent } from './catalog-entry';
import { ContractError } from './contract-error';
import { examples } from './examples';
import { createEnvelopeParser } from './parse-envelope';
import { createPayloadFingerprint, payloadFingerprint } from './payload-fingerprint';

const ACTIVE = 'gpuaas.provisioning.active';
const USAGE = 'platform.billing.usage.metered';
const active = examples[ACTIVE];
const usage = examples[USAGE];

// JSON.stringify itself overflows on such values, so the text is written out.
const deepArrayJson = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
function withRaw(payload: object, field: string, rawJson: string): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...payload };
  delete rest[field];
  return JSON.parse(JSON.stringify(rest).replace(/^\{/, `{"${field}":${rawJson},`));
}

// A made-up event: 1.1 adds an optional note, 2.0 nests the amount.
const V1_0 = Type.Object({
  order_id: Type.String(),
  amount: Type.Integer(),
  placed_at: Type.String({ format: 'date-time' }),
  lines: Type.Array(Type.Object({ sku: Type.String(), qty: Type.Integer() })),
  span: Type.Tuple([Type.Integer(), Type.Integer()]),
  discount: Type.Union([Type.Object({ code: Type.String() }), Type.Null()]),
});
const V1_1 = Type.Object({ ...V1_0.properties, note: Type.Optional(Type.String()) });
const V2_0 = Type.Object({
  order_id: Type.String(),
  price: Type.Object({ amount_micros: Type.Integer(), currency: Type.String() }),
});
const orders = {
  'test.order.placed': defineEvent({
    eventType: 'test.order.placed',
    producer: 'orchestrator',
    producerLabel: 'Test',
    consumers: ['ops'],
    consumerLabels: ['Ops'],
    idempotencyKey: ['order_id'],
    notes: 'test only',
    versions: { '1.0': V1_0, '1.1': V1_1, '2.0': V2_0 },
    latest: '2.0',
    upcasters: {
      1: (p: { order_id: string; amount: number }) => ({
        order_id: p.order_id,
        price: { amount_micros: p.amount, currency: 'USD' },
      }),
    },
  }),
};
const fingerprintOf = createPayloadFingerprint(orders);
const order = {
  order_id: 'o-1',
  amount: 2_500_000,
  placed_at: '2026-01-15T09:30:00.000Z',
  lines: [{ sku: 'h100', qty: 2 }],
  span: [1, 2],
  discount: { code: 'WINTER' },
};
const v1 = (payload: Record<string, unknown>, version = '1.0') =>
  fingerprintOf('test.order.placed', version, payload);
const price = { amount_micros: 2_500_000, currency: 'USD' };

describe('payloadFingerprint', () => {
  it('is a sha256 hex digest', () => {
    expect(payloadFingerprint(ACTIVE, '1.0', active)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order, at any depth', () => {
    const reversed = Object.fromEntries(Object.entries(usage).reverse());
    reversed.dimensions = { provider: 'simulated', region: 'us-central1' };
    expect(payloadFingerprint(USAGE, '1.0', reversed)).toBe(
      payloadFingerprint(USAGE, '1.0', usage),
    );
  });

  it('ignores an added unknown field, at the top or inside a known object', () => {
    const base = payloadFingerprint(ACTIVE, '1.0', active);
    expect(payloadFingerprint(ACTIVE, '1.0', { ...active, added: { any: ['shape'] } })).toBe(base);
    expect(v1({ ...order, discount: { code: 'WINTER', extra: 1 } })).toBe(v1(order));
    expect(v1({ ...order, lines: [{ sku: 'h100', qty: 2, colour: 'red' }] })).toBe(v1(order));
  });

  it('changes with a known field', () => {
    const base = payloadFingerprint(ACTIVE, '1.0', active);
    expect(payloadFingerprint(ACTIVE, '1.0', { ...active, gpu_count: 3 })).not.toBe(base);
    expect(payloadFingerprint(ACTIVE, '1.0', { ...active, currency: 'EUR' })).not.toBe(base);
  });

  it('changes with a known field inside a nested object, list, tuple, record or nullable', () => {
    const base = v1(order);
    expect(v1({ ...order, lines: [{ sku: 'h100', qty: 3 }] })).not.toBe(base);
    expect(v1({ ...order, lines: [...order.lines, { sku: 'a100', qty: 1 }] })).not.toBe(base);
    expect(v1({ ...order, span: [1, 3] })).not.toBe(base);
    expect(v1({ ...order, discount: { code: 'SPRING' } })).not.toBe(base);
    expect(v1({ ...order, discount: null })).not.toBe(base);
    const v2 = fingerprintOf('test.order.placed', '2.0', { order_id: 'o-1', price });
    expect(
      fingerprintOf('test.order.placed', '2.0', {
        order_id: 'o-1',
        price: { ...price, currency: 'EUR' },
      }),
    ).not.toBe(v2);
    const dims = (dimensions: Record<string, string>) =>
      payloadFingerprint(USAGE, '1.0', { ...usage, dimensions });
    // A record's keys are all known: each value is typed by the record.
    expect(dims({ region: 'us-central1' })).not.toBe(dims({ region: 'europe-west4' }));
    expect(dims({ region: 'us-central1' })).not.toBe(
      dims({ region: 'us-central1', provider: 'simulated' }),
    );
  });

  it('is the same for a producer that moved to a newer minor with an additive field', () => {
    expect(v1({ ...order, note: 'gift' }, '1.1')).toBe(v1(order, '1.0'));
    // A minor this catalog does not know yet projects onto the same base.
    expect(v1({ ...order, note: 'gift', added_in_1_7: true }, '1.7')).toBe(v1(order));
  });

  it('projects each major onto its own base minor', () => {
    const v2 = { order_id: 'o-1', price };
    expect(fingerprintOf('test.order.placed', '2.0', { ...v2, amount: 1 })).toBe(
      fingerprintOf('test.order.placed', '2.0', v2),
    );
    expect(fingerprintOf('test.order.placed', '2.0', v2)).not.toBe(v1(order));
  });

  it('is the same for every consumer, whatever majors it accepts (as sent, not as upcast)', () => {
    const parse = createEnvelopeParser(orders);
    const message = {
      event_id: '0f8fad5b-d9cb-469f-a165-70867728950e',
      event_type: 'test.order.placed',
      occurred_at: '2026-01-15T09:30:00Z',
      version: '1.1',
      correlation_id: 'c',
      payload: { ...order, note: 'gift' },
    };
    const fingerprints = [[1, 2], [2]].map((majors) => {
      const parsed = parse(message, { accept: { 'test.order.placed': majors } });
      if (!parsed.ok) throw parsed.error;
      const sent = parsed.sent ?? parsed.event;
      return fingerprintOf(parsed.event.event_type, sent.version, sent.payload);
    });
    expect(fingerprints[1]).toBe(fingerprints[0]);
    expect(fingerprints[0]).toBe(v1(order));
  });

  it('spells a date-time field one way, like the idempotency key', () => {
    expect(v1({ ...order, placed_at: '2026-01-15T09:30:00Z' })).toBe(v1(order));
    expect(v1({ ...order, placed_at: '2026-01-15T09:30:00.000001Z' })).not.toBe(v1(order));
  });

  it('spells a composite key ending in a timestamp one way, like the key', () => {
    const spelled = (start: string) =>
      payloadFingerprint(USAGE, '1.0', {
        ...usage,
        usage_event_id: `${usage.resource_id}:${start}`,
        interval_start: start,
      });
    expect(spelled('2026-01-15T09:31:00Z')).toBe(spelled('2026-01-15T09:31:00.000Z'));
    expect(spelled('2026-01-15T09:31:00Z')).not.toBe(spelled('2026-01-15T09:31:01Z'));
  });

  it('skips a 5,000-deep array in an unknown field without throwing', () => {
    const payload = withRaw(active, 'deep_unknown', deepArrayJson(5000));
    expect(payloadFingerprint(ACTIVE, '1.0', payload)).toBe(
      payloadFingerprint(ACTIVE, '1.0', active),
    );
    const nested = { ...order, discount: withRaw({ code: 'WINTER' }, 'deep', deepArrayJson(5000)) };
    expect(v1(nested)).toBe(v1(order));
  });

  it('refuses a too-deep known value with a typed error, not a stack overflow', () => {
    const deepItem = withRaw(usage, 'dimensions', `{"region":${deepArrayJson(5000)}}`);
    const attempt = () => payloadFingerprint(USAGE, '1.0', deepItem);
    expect(attempt).toThrow(ContractError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'payload_invalid' }));
    const inList = withRaw(order, 'lines', `[${deepArrayJson(70)}]`);
    expect(() => v1(inList)).toThrow(expect.objectContaining({ code: 'payload_invalid' }));
    // Within the bound, a known free-form value is kept whole.
    const shallow = withRaw(usage, 'dimensions', `{"region":${deepArrayJson(30)}}`);
    expect(payloadFingerprint(USAGE, '1.0', shallow)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['an unknown event type', 'gpuaas.provisioning.teleported', '1.0', 'unknown_event_type'],
    ['a major the catalog lacks', ACTIVE, '2.0', 'unsupported_major'],
    ['a version that is not MAJOR.MINOR', ACTIVE, '1.0.0', 'envelope_invalid'],
  ])('refuses %s', (_why, eventType, version, code) => {
    expect(() => payloadFingerprint(eventType, version, active)).toThrow(
      expect.objectContaining({ name: 'ContractError', code }),
    );
  });

  it.each([
    ['an array', []],
    ['null', null],
    ['a string', 'payload'],
  ])('refuses a payload that is %s', (_why, payload) => {
    expect(() => payloadFingerprint(ACTIVE, '1.0', payload)).toThrow(
      expect.objectContaining({ code: 'payload_invalid' }),
    );
  });
});
