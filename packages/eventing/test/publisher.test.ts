import { ContractError, examples, type PayloadOf } from '@gpuaas/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisher } from '../src/publisher';
import { Harness, type TopicTap } from './harness';

const METERED = 'platform.billing.usage.metered';

describe('publisher', () => {
  let h: Harness;
  let tap: TopicTap;

  beforeAll(async () => {
    h = await Harness.init();
    tap = await h.tap(METERED);
  });
  afterAll(() => h.close());

  it('publishes the envelope as data with the attributes that repeat it', async () => {
    const publisher = createPublisher({ pubsub: h.pubsub, producer: 'provisioning-worker' });
    const payload = examples[METERED];
    const messageId = await publisher.publish(METERED, payload, {
      correlationId: 'corr-1',
      causationId: '7d9c4f0e-52a5-4c1b-9d55-1f0c1d1e2f30',
    });
    expect(messageId).toMatch(/\S+/);
    const [received] = await tap.waitForCount(1);
    const envelope = JSON.parse(received?.data ?? '{}');
    expect(envelope).toMatchObject({
      event_type: METERED,
      version: '1.0',
      correlation_id: 'corr-1',
      payload,
    });
    expect(Object.keys(envelope).sort()).toEqual(
      ['correlation_id', 'event_id', 'event_type', 'occurred_at', 'payload', 'version'].sort(),
    );
    expect(received?.attributes).toEqual({
      event_type: METERED,
      version: '1.0',
      event_id: envelope.event_id,
      correlation_id: 'corr-1',
      idempotency_key: payload.usage_event_id,
      producer: 'provisioning-worker',
      causation_id: '7d9c4f0e-52a5-4c1b-9d55-1f0c1d1e2f30',
    });
  });

  it('throws on an invalid payload before anything is sent', async () => {
    const publisher = createPublisher({ pubsub: h.pubsub, producer: 'provisioning-worker' });
    const before = tap.received.length;
    const invalid = { ...examples[METERED], quantity: -5 } as PayloadOf<typeof METERED>;
    await expect(publisher.publish(METERED, invalid, { correlationId: 'corr-2' })).rejects.toThrow(
      ContractError,
    );
    await publisher.flush();
    await new Promise((r) => setTimeout(r, 500));
    expect(tap.received.length).toBe(before);
  });
});
