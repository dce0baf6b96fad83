// Deliveries through real Pub/Sub push subscriptions on the emulator.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSubscription } from '../src/subscription';
import { event, pushBody } from '../src/testing/push-bodies';
import { TestBus } from '../src/testing/test-bus';
import type { TopicTap } from '../src/testing/topic-tap';
import { ACTIVE, activeFor, countingSubscription, REQUESTED, requestedPayload } from './fixtures';

describe('push consumer on real push subscriptions', () => {
  let bus: TestBus;
  let active: TopicTap;

  beforeAll(async () => {
    bus = await TestBus.start('evt-push');
    active = await bus.tap(ACTIVE);
  });
  afterAll(() => bus.close());

  it('retries a transient failure, then Pub/Sub dead-letters it with its attributes', async () => {
    // Its own project: the emulator's redelivery stalls when several messages of one
    // subscription back off together (DESIGN.md), so this one retries alone.
    const own = await TestBus.start('evt-dlq');
    try {
      let attempts = 0;
      const alwaysDown = defineSubscription({
        consumer: 'provisioning-worker',
        eventType: REQUESTED,
        handle() {
          attempts += 1;
          throw new Error('dependency down');
        },
      });
      const served = await own.serve({
        config: own.config('provisioning-worker'),
        subscriptions: [alwaysDown],
      });
      const incoming = event(REQUESTED, requestedPayload(`alloc-${randomUUID()}`));
      await own.publish(REQUESTED, incoming.payload, { correlationId: incoming.correlation_id });
      const letter = await served
        .deadLetters('provisioning-worker')
        .waitFor((m) => m.attributes.correlation_id === incoming.correlation_id, 60_000);
      expect(letter.json?.payload).toEqual(incoming.payload);
      expect(letter.attributes).toMatchObject({
        CloudPubSubDeadLetterSourceDeliveryCount: '5',
        CloudPubSubDeadLetterSourceSubscription: `${REQUESTED}.provisioning-worker`,
      });
      expect(attempts).toBe(5);
    } finally {
      await own.close();
    }
  });

  it('a duplicate storm applies every event once and dead-letters nothing', async () => {
    const served = await bus.serve({
      config: bus.config('provisioning-worker'),
      subscriptions: [countingSubscription()],
    });
    const ids = Array.from({ length: 100 }, () => `alloc-${randomUUID()}`);
    const payloads = ids.map(requestedPayload);
    // 100 events, each published three times (at-least-once producers), all at once ...
    const publishing = Promise.all(
      [0, 1, 2].flatMap(() => payloads.map((payload) => bus.publish(REQUESTED, payload))),
    );
    // ... while 10 identical deliveries of one more event hit the endpoint concurrently.
    const hot = `alloc-${randomUUID()}`;
    const body = JSON.stringify(pushBody(event(REQUESTED, requestedPayload(hot))));
    // Each sender retries a 503 as Pub/Sub would, until it is acknowledged.
    const deliverUntilAcked = async () => {
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(`${served.url}/push/${REQUESTED}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        await res.arrayBuffer();
        if (res.status === 204 || attempt === 20) return res.status;
        expect(res.status).toBe(503);
        await new Promise((r) => setTimeout(r, 100 + attempt * 100));
      }
    };
    const posts = Promise.all(Array.from({ length: 10 }, deliverUntilAcked));
    await publishing;
    for (const status of await posts) expect(status).toBe(204);

    const applied = async (id: string) =>
      (await bus.firestore.collection('allocations').doc(id).get()).get('applied');
    await expect
      .poll(async () => (await Promise.all(ids.map(applied))).filter((n) => n === 1).length, {
        timeout: 90_000,
        interval: 500,
      })
      .toBe(100);
    expect(await applied(hot)).toBe(1);
    await expect
      .poll(() => ids.filter((id) => activeFor(active.received, id).length === 1).length, {
        timeout: 30_000,
      })
      .toBe(100);
    await new Promise((r) => setTimeout(r, 2000));
    for (const id of [...ids, hot]) {
      expect(await applied(id)).toBe(1);
      // Each emitted event went out once: no duplicate re-sent an outbox entry.
      expect(activeFor(active.received, id).length).toBeLessThanOrEqual(1);
    }
    expect(served.deadLetters('provisioning-worker').received).toEqual([]);
    const outcomes = served.service.metrics.snapshot();
    expect(Object.keys(outcomes).filter((key) => key.includes('dead_lettered'))).toEqual([]);
  }, 180_000);
});
