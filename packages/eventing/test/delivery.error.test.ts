import { randomUUID } from 'node:crypto';
import { examples } from '@gpuaas/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectEvent } from '../src/errors';
import type { Publisher } from '../src/publisher';
import { defineSubscription } from '../src/subscription';
import { ACTIVE, countingSubscription, REQUESTED, requestedPayload } from './fixtures';
import { event, Harness, post, pushBody, rawPushBody, type TopicTap } from './harness';

describe('push consumer: poison events and transient failures', () => {
  let h: Harness;
  let dlq: TopicTap;
  const subscription = `${REQUESTED}.provisioning-worker`;

  beforeAll(async () => {
    h = await Harness.init();
    await h.createTopics(ACTIVE);
    dlq = await h.tap('provisioning-worker.dlq');
  });
  afterAll(() => h.close());

  const deadLetterOf = async (marker: string) => {
    let found: (typeof dlq.received)[number] | undefined;
    await expect
      .poll(() => (found = dlq.received.find((m) => m.attributes.test_marker === marker)), {
        timeout: 10_000,
      })
      .toBeDefined();
    return found as (typeof dlq.received)[number];
  };

  const validJson = (mutate: (envelope: Record<string, unknown>) => void) => {
    const envelope = event(
      REQUESTED,
      requestedPayload(`alloc-${randomUUID()}`),
    ) as unknown as Record<string, unknown>;
    mutate(envelope);
    return JSON.stringify(envelope);
  };

  const poison: [string, string, string][] = [
    ['not_json', '{"event_id": ', 'not JSON'],
    ['not_object', '[1,2,3]', 'an array'],
    ['envelope_invalid', validJson((e) => delete e.event_id), 'no event_id'],
    ['envelope_invalid', validJson((e) => (e.occurred_at = 'yesterday')), 'a bad timestamp'],
    [
      'unknown_event_type',
      validJson((e) => (e.event_type = 'gpuaas.nothing.happened')),
      'an unknown type',
    ],
    ['unsupported_major', validJson((e) => (e.version = '9.0')), 'an unknown major'],
    [
      'payload_invalid',
      validJson((e) => ((e.payload as Record<string, unknown>).gpu_count = 0)),
      'an invalid payload',
    ],
  ];

  it.each(poison)(
    'dead-letters %s (%s) at the first attempt and answers 204',
    async (reason, data) => {
      const { app } = h.consumer([countingSubscription()]);
      const marker = randomUUID();
      const before = await h.firestore.collection('idempotency_records').count().get();
      const res = await post(
        app,
        REQUESTED,
        rawPushBody(data, { test_marker: marker }, { subscription }),
      );
      expect(res.status).toBe(204);
      const letter = await deadLetterOf(marker);
      expect(letter.data).toBe(data);
      expect(letter.attributes).toMatchObject({
        dlq_reason: reason,
        source_subscription: subscription,
        test_marker: marker,
      });
      expect(letter.attributes.dlq_detail?.length).toBeGreaterThan(0);
      expect(Date.parse(letter.attributes.dead_lettered_at ?? '')).not.toBeNaN();
      const after = await h.firestore.collection('idempotency_records').count().get();
      expect(after.data().count).toBe(before.data().count);
    },
  );

  it('dead-letters data that is not base64', async () => {
    const { app } = h.consumer([countingSubscription()]);
    const marker = randomUUID();
    const body = {
      message: { data: '!!not-base64!!', attributes: { test_marker: marker }, messageId: '7' },
    };
    expect((await post(app, REQUESTED, body)).status).toBe(204);
    expect((await deadLetterOf(marker)).attributes.dlq_reason).toBe('not_base64');
  });

  it('dead-letters an event of another type posted on this route', async () => {
    const { app } = h.consumer([countingSubscription()]);
    const marker = randomUUID();
    const wrong = event(ACTIVE, examples[ACTIVE]);
    const res = await post(
      app,
      REQUESTED,
      pushBody(wrong, { attributes: { test_marker: marker } }),
    );
    expect(res.status).toBe(204);
    expect((await deadLetterOf(marker)).attributes.dlq_reason).toBe('wrong_event_type');
  });

  it('dead-letters the same key with another payload as an idempotency conflict and keeps the first', async () => {
    const { app } = h.consumer([countingSubscription()]);
    const allocationId = `alloc-${randomUUID()}`;
    expect(
      (await post(app, REQUESTED, pushBody(event(REQUESTED, requestedPayload(allocationId)))))
        .status,
    ).toBe(204);
    const marker = randomUUID();
    const changed = { ...requestedPayload(allocationId), gpu_count: 8 };
    const res = await post(
      app,
      REQUESTED,
      pushBody(event(REQUESTED, changed), { attributes: { test_marker: marker } }),
    );
    expect(res.status).toBe(204);
    expect((await deadLetterOf(marker)).attributes.dlq_reason).toBe('idempotency_conflict');
    expect(
      (await h.firestore.collection('allocations').doc(allocationId).get()).get('applied'),
    ).toBe(1);
  });

  it('dead-letters what a handler rejects, with nothing of its writes committed', async () => {
    const rejecting = defineSubscription({
      consumer: 'provisioning-worker',
      eventType: REQUESTED,
      async handle(incoming, ctx) {
        ctx.tx.set(ctx.firestore.collection('allocations').doc(incoming.payload.allocation_id), {
          applied: 1,
        });
        rejectEvent('gpu_type is not offered in this region');
      },
    });
    const { app } = h.consumer([rejecting]);
    const marker = randomUUID();
    const allocationId = `alloc-${randomUUID()}`;
    const res = await post(
      app,
      REQUESTED,
      pushBody(event(REQUESTED, requestedPayload(allocationId)), {
        attributes: { test_marker: marker },
      }),
    );
    expect(res.status).toBe(204);
    const letter = await deadLetterOf(marker);
    expect(letter.attributes).toMatchObject({
      dlq_reason: 'handler_rejected',
      dlq_detail: 'gpu_type is not offered in this region',
    });
    expect((await h.firestore.collection('allocations').doc(allocationId).get()).exists).toBe(
      false,
    );
  });

  it('answers 503 to a transient failure, commits nothing, and applies the retry once', async () => {
    let failures = 1;
    const flaky = countingSubscription({
      beforeCommit: async () => {
        if (failures-- > 0) throw new Error('inventory service unavailable');
      },
    });
    const { app } = h.consumer([flaky]);
    const allocationId = `alloc-${randomUUID()}`;
    const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
    const first = await post(app, REQUESTED, body);
    expect(first.status).toBe(503);
    expect(await first.json()).toMatchObject({
      error: 'handler_failed',
      detail: 'inventory service unavailable',
    });
    expect((await h.firestore.collection('allocations').doc(allocationId).get()).exists).toBe(
      false,
    );
    expect((await post(app, REQUESTED, body)).status).toBe(204);
    expect((await post(app, REQUESTED, body)).status).toBe(204);
    expect(
      (await h.firestore.collection('allocations').doc(allocationId).get()).get('applied'),
    ).toBe(1);
  });

  it('rejects a malformed push wrapper with 400 and a reason', async () => {
    const { app } = h.consumer([countingSubscription()]);
    const res = await post(app, REQUESTED, { notAMessage: true });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'push body has no "message" object' });
    const notJson = await app.request(`/push/${REQUESTED}`, { method: 'POST', body: '{oops' });
    expect(notJson.status).toBe(400);
  });

  it('rejects a push body over the size limit with 413', async () => {
    const { app } = h.consumer([countingSubscription()]);
    // Pub/Sub's largest message (10 MB) fits; beyond what it can send is refused.
    const huge = rawPushBody('x'.repeat(11 * 1024 * 1024), {});
    expect((await post(app, REQUESTED, huge)).status).toBe(413);
  });

  it('answers 503, never 204, when the dead letter cannot be published', async () => {
    const dlqDown = (publisher: Publisher): Publisher => ({
      ...publisher,
      send: (message) =>
        message.topic === 'provisioning-worker.dlq'
          ? Promise.reject(new Error('UNAVAILABLE: pubsub down'))
          : publisher.send(message),
    });
    const { app } = h.consumer([countingSubscription()], { wrapPublisher: dlqDown });
    const res = await post(app, REQUESTED, rawPushBody('{not json', {}));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'dead_letter_publish_failed' });
  });

  it('dead-letters a handler error that no retry can fix (a create on an existing document)', async () => {
    const creating = defineSubscription({
      consumer: 'provisioning-worker',
      eventType: REQUESTED,
      async handle(incoming, ctx) {
        ctx.tx.create(ctx.firestore.collection('allocations').doc(incoming.payload.allocation_id), {
          applied: 1,
        });
      },
    });
    const { app } = h.consumer([creating]);
    const allocationId = `alloc-${randomUUID()}`;
    await h.firestore.collection('allocations').doc(allocationId).set({ applied: 0 });
    const marker = randomUUID();
    const res = await post(
      app,
      REQUESTED,
      pushBody(event(REQUESTED, requestedPayload(allocationId)), {
        attributes: { test_marker: marker },
      }),
    );
    expect(res.status).toBe(204);
    expect((await deadLetterOf(marker)).attributes.dlq_reason).toBe('handler_error');
    expect(
      (await h.firestore.collection('allocations').doc(allocationId).get()).get('applied'),
    ).toBe(0);
  });
});
