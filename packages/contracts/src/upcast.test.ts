import { type Static, Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { defineEvent } from './catalog-entry';
import { createEnvelopeParser } from './parse-envelope';
import { upcastPayload, upcastTarget } from './upcast';

// A made-up event with a breaking change: amount moved into a Money object in 2.0.
const OrderPlacedV1 = Type.Object({
  user_id: Type.String(),
  order_id: Type.String(),
  amount: Type.Integer(),
});
const OrderPlacedV1_1 = Type.Object({
  ...OrderPlacedV1.properties,
  note: Type.Optional(Type.String()),
});
const OrderPlacedV2 = Type.Object({
  user_id: Type.String(),
  order_id: Type.String(),
  price: Type.Object({ amount_micros: Type.Integer(), currency: Type.String() }),
});

const row = {
  eventType: 'test.order.placed',
  producer: 'orchestrator',
  producerLabel: 'Test',
  consumers: ['ops'],
  consumerLabels: ['Ops'],
  idempotencyKey: ['order_id'],
  notes: 'test only',
  versions: { '1.0': OrderPlacedV1, '1.1': OrderPlacedV1_1, '2.0': OrderPlacedV2 },
  latest: '2.0',
} as const;

const toV2 = (p: Static<typeof OrderPlacedV1_1>): Static<typeof OrderPlacedV2> => ({
  user_id: p.user_id,
  order_id: p.order_id,
  price: { amount_micros: p.amount, currency: 'USD' },
});

const parse = createEnvelopeParser({
  'test.order.placed': defineEvent({ ...row, upcasters: { 1: toV2 } }),
});
const parseWithBrokenUpcaster = createEnvelopeParser({
  'test.order.placed': defineEvent({ ...row, upcasters: { 1: () => ({ order_id: 'o-1' }) } }),
});
const parseWithThrowingUpcaster = createEnvelopeParser({
  'test.order.placed': defineEvent({
    ...row,
    upcasters: {
      1: () => {
        throw new TypeError('boom');
      },
    },
  }),
});
const parseWithoutUpcaster = createEnvelopeParser({ 'test.order.placed': defineEvent(row) });

function message(version: string, payload: Record<string, unknown>) {
  return {
    event_id: '0f8fad5b-d9cb-469f-a165-70867728950e',
    event_type: 'test.order.placed',
    occurred_at: '2026-01-15T09:30:00Z',
    version,
    correlation_id: 'c',
    payload,
  };
}

const v1 = { user_id: 'u-1', order_id: 'o-1', amount: 2_500_000 };
const v2 = {
  user_id: 'u-1',
  order_id: 'o-1',
  price: { amount_micros: 2_500_000, currency: 'USD' },
};
const onlyV2 = { accept: { 'test.order.placed': [2] } };

describe('upcastTarget', () => {
  const upcasters = { 1: toV2, 2: (p: unknown) => p };
  it.each([
    [1, [1, 2], upcasters, 1],
    [1, [2], upcasters, 2],
    [1, [3], upcasters, 3],
    [2, [1], upcasters, undefined],
    [1, [2], undefined, undefined],
    [1, [], upcasters, undefined],
    [1, [3], { 1: toV2 }, undefined],
  ])('major %i accepted as %j with upcasters %j -> %s', (from, accepted, ups, expected) => {
    expect(upcastTarget(from, accepted, ups)).toBe(expected);
  });
});

describe('upcastPayload', () => {
  it('chains one major at a time', () => {
    const chain = {
      1: (p: { n: number }) => ({ n: p.n + 1 }),
      2: (p: { n: number }) => ({ n: p.n * 10 }),
    };
    expect(upcastPayload({ n: 1 }, 1, 3, chain)).toEqual({ n: 20 });
    expect(upcastPayload({ n: 1 }, 2, 2, chain)).toEqual({ n: 1 });
  });

  it('refuses a gap in the chain', () => {
    expect(() => upcastPayload({}, 1, 3, { 1: (p: unknown) => p })).toThrow(
      /no upcaster from major 2/,
    );
  });
});

describe('parseEnvelope with upcasters (dual-consume window)', () => {
  it('delivers 1.x unchanged to a consumer that accepts major 1', () => {
    const result = parse(message('1.0', v1));
    expect(result).toEqual({ ok: true, event: message('1.0', v1) });
  });

  it.each(['1.0', '1.1', '1.9'])(
    'upcasts %s for a consumer that accepts only major 2',
    (version) => {
      const result = parse(message(version, { ...v1, note: 'x' }), onlyV2);
      expect(result).toEqual({
        ok: true,
        event: message('2.0', v2),
        sent: { version, payload: { ...v1, note: 'x' } },
      });
    },
  );

  it('delivers 2.0 as is to a 2-only consumer', () => {
    expect(parse(message('2.0', v2), onlyV2)).toEqual({ ok: true, event: message('2.0', v2) });
  });

  it('validates against the source major before upcasting', () => {
    const result = parse(message('1.0', { ...v1, amount: 'lots' }), onlyV2);
    expect(result.ok || result.error.issues[0]).toEqual(
      expect.objectContaining({ path: '/payload/amount' }),
    );
  });

  it.each([
    ['produces an invalid payload', parseWithBrokenUpcaster],
    ['throws', parseWithThrowingUpcaster],
  ])('payload_invalid when the upcaster %s', (_why, parser) => {
    const result = parser(message('1.0', v1), onlyV2);
    expect(result.ok || result.error.code).toBe('payload_invalid');
  });

  it.each([
    ['no upcaster exists', parseWithoutUpcaster, message('1.0', v1), onlyV2],
    [
      'there is no downcasting',
      parse,
      message('2.0', v2),
      { accept: { 'test.order.placed': [1] } },
    ],
    ['the major is unknown', parse, message('3.0', v2), undefined],
  ])('unsupported_major when %s', (_why, parser, data, options) => {
    const result = parser(data, options);
    expect(result.ok || result.error.code).toBe('unsupported_major');
  });
});
