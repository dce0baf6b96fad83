import { describe, expect, it } from 'vitest';
import { deadLetterMessage, truncateUtf8 } from './dead-letter';
import type { PushMessage } from './wire/push-message';

const now = new Date('2026-11-27T10:00:00Z');
const letter = (attributes: Record<string, string>, detail = 'schema says no') =>
  deadLetterMessage(
    'billing-worker',
    'gpuaas.provisioning.active.billing-worker',
    { dataBase64: '', attributes, messageId: 'm-1' } satisfies PushMessage,
    Buffer.from('{}'),
    'payload_invalid',
    detail,
    now,
  );

describe('deadLetterMessage', () => {
  it('keeps the original attributes and adds reason, detail, source and time', () => {
    const out = letter({ event_id: 'e-1', event_type: 'gpuaas.provisioning.active' });
    expect(out.topic).toBe('billing-worker.dlq');
    expect(out.data.toString()).toBe('{}');
    expect(out.attributes).toEqual({
      event_id: 'e-1',
      event_type: 'gpuaas.provisioning.active',
      dlq_reason: 'payload_invalid',
      dlq_detail: 'schema says no',
      source_subscription: 'gpuaas.provisioning.active.billing-worker',
      source_message_id: 'm-1',
      dead_lettered_at: '2026-11-27T10:00:00.000Z',
    });
  });

  it('stays within the limits Pub/Sub enforces', () => {
    const many: Record<string, string> = { event_id: 'e-1', googReserved: 'x' };
    for (let i = 0; i < 120; i++) many[`k${String(i).padStart(3, '0')}`] = 'v';
    many['x'.repeat(300)] = 'long key';
    many.big = 'é'.repeat(1000);
    const out = letter(many, 'd'.repeat(5000));
    const keys = Object.keys(out.attributes);
    // Two of Pub/Sub's 100 stay free for the trace context the publish adds.
    expect(keys.length).toBe(98);
    expect(keys.some((key) => key.startsWith('goog'))).toBe(false);
    expect(keys.every((key) => Buffer.byteLength(key) <= 256)).toBe(true);
    expect(Object.values(out.attributes).every((v) => Buffer.byteLength(v) <= 1024)).toBe(true);
    expect(out.attributes).toMatchObject({ event_id: 'e-1', dlq_reason: 'payload_invalid' });
    // 124 originals: 92 fit beside the 6 added; the goog key and the long key are among the 32.
    expect(out.attributes.dlq_dropped_attributes).toBe('32');
  });

  it('truncates on character boundaries', () => {
    const cut = truncateUtf8('é'.repeat(10), 8);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(8);
    expect(cut).toBe('éé...');
  });
});
