import { examples, type PayloadOf } from '@gpuaas/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnpublishableEventError } from '../src/errors';
import { createPublisher } from '../src/publisher';
import { TestBus } from '../src/testing/test-bus';
import type { TopicTap } from '../src/testing/topic-tap';

const METERED = 'platform.billing.usage.metered';

describe('publisher', () => {
  let bus: TestBus;
  let tap: TopicTap;

  beforeAll(async () => {
    bus = await TestBus.start('evt-pub');
    tap = await bus.tap(METERED);
  });
  afterAll(() => bus.close());

  it('publishes the envelope as data with the attributes that repeat it', async () => {
    const publisher = createPublisher({ pubsub: bus.pubsub, producer: 'provisioning-worker' });
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

  it('sends the latest version of an event that has several', async () => {
    const ACTIVE = 'gpuaas.provisioning.active';
    const activeTap = await bus.tap(ACTIVE);
    const publisher = createPublisher({ pubsub: bus.pubsub, producer: 'provisioning-worker' });
    await publisher.publish(ACTIVE, examples[ACTIVE], { correlationId: 'corr-latest' });
    const [received] = await activeTap.waitForCount(1);
    expect(received?.attributes.version).toBe('1.1');
    expect(JSON.parse(received?.data ?? '{}').version).toBe('1.1');
  });

  it.each([
    ['an invalid payload', { ...examples[METERED], quantity: -5 }, '/payload/quantity'],
    [
      'an idempotency key over the 1,024-byte attribute limit',
      { ...examples[METERED], usage_event_id: 'u'.repeat(1100) },
      'idempotency_key',
    ],
    [
      'data over Pub/Sub’s 10 MB',
      { ...examples[METERED], dimensions: { notes: 'x'.repeat(10_100_000) } },
      'limit 10000000',
    ],
  ])('refuses %s before anything is sent', async (_name, payload, detail) => {
    const publisher = createPublisher({ pubsub: bus.pubsub, producer: 'provisioning-worker' });
    const before = tap.received.length;
    const refused = publisher.publish(METERED, payload as PayloadOf<typeof METERED>, {
      correlationId: 'corr-2',
    });
    await expect(refused).rejects.toThrow(UnpublishableEventError);
    await expect(refused).rejects.toThrow(detail);
    await publisher.flush();
    await new Promise((r) => setTimeout(r, 300));
    expect(tap.received.length).toBe(before);
  });
});
