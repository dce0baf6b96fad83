import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectEvent } from '../src/errors';
import { dedupeRecordId } from '../src/idempotency/record-key';
import type { Publisher } from '../src/publisher';
import { defineSubscription } from '../src/subscription';
import {
  ACTIVE,
  countingSubscription,
  providerSubscription,
  REQUESTED,
  requestedPayload,
} from './fixtures';
import { event, Harness, post, pushBody, type TopicTap } from './harness';

const require = createRequire(import.meta.url);

describe('push consumer: at-least-once reliability', () => {
  let h: Harness;
  let active: TopicTap;

  beforeAll(async () => {
    h = await Harness.init();
    await h.createTopics('provisioning-worker.dlq');
    active = await h.tap(ACTIVE);
  });
  afterAll(() => h.close());

  const allocation = (id: string) => h.firestore.collection('allocations').doc(id).get();
  const providerCalls = async (allocationId: string) =>
    (
      await h.firestore
        .collection('provider_calls')
        .where('allocation_id', '==', allocationId)
        .get()
    ).docs.map((doc) => doc.get('calls') as number);
  const activeFor = (allocationId: string) =>
    active.received.filter((m) => JSON.parse(m.data).payload.allocation_id === allocationId);

  it('lease path: of two concurrent deliveries one runs, the other gets 503, the retry gets 204', async () => {
    const { app } = h.consumer([providerSubscription({ effectMs: 3000 })], { leaseMs: 10_000 });
    const allocationId = `alloc-${randomUUID()}`;
    const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
    const first = post(app, REQUESTED, body);
    // The second arrives once the first holds the lease (racing both is the Firestore lock's job).
    const record = h.firestore
      .collection('idempotency_records')
      .doc(dedupeRecordId('provisioning-worker', REQUESTED, [allocationId]));
    await expect
      .poll(async () => (await record.get()).get('state'), { timeout: 10_000 })
      .toBe('in_progress');
    const second = await post(app, REQUESTED, body);
    expect(second.status).toBe(503);
    expect(await second.json()).toMatchObject({ error: 'lease_held' });
    expect((await first).status).toBe(204);
    expect((await post(app, REQUESTED, body)).status).toBe(204);
    expect(await providerCalls(allocationId)).toEqual([1]);
    expect((await allocation(allocationId)).get('applied')).toBe(1);
    await expect.poll(() => activeFor(allocationId).length, { timeout: 10_000 }).toBe(1);
  });

  it('lease path: racing deliveries apply once and none is lost', async () => {
    const { app } = h.consumer([providerSubscription({ effectMs: 500 })], { leaseMs: 10_000 });
    const allocationId = `alloc-${randomUUID()}`;
    const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
    const answers = await Promise.all(Array.from({ length: 4 }, () => post(app, REQUESTED, body)));
    for (const res of answers) expect([204, 503]).toContain(res.status);
    expect((await post(app, REQUESTED, body)).status).toBe(204);
    expect(await providerCalls(allocationId)).toEqual([1]);
    expect((await allocation(allocationId)).get('applied')).toBe(1);
  });

  it('crash after the side effect: the lease expires, the retry completes, applied once', async () => {
    const leaseMs = 5000; // long enough that the first redelivery surely lands inside it
    const allocationId = `alloc-${randomUUID()}`;
    const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
    const child: ChildProcess = spawn(
      process.execPath,
      [
        '--import',
        require.resolve('tsx'),
        new URL('./fixtures/crashing-consumer.ts', import.meta.url).pathname,
      ],
      {
        env: { ...process.env, TEST_PROJECT_ID: h.projectId, TEST_LEASE_MS: String(leaseMs) },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const [chunk] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
    const port = Number(chunk.toString().trim());
    const crashed = await fetch(`http://127.0.0.1:${port}/push/${REQUESTED}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(
      (res) => res.status,
      () => 'connection lost',
    );
    expect(crashed).toBe('connection lost');
    await once(child, 'exit');
    expect(await providerCalls(allocationId)).toEqual([1]);
    expect((await allocation(allocationId)).exists).toBe(false);

    const { app } = h.consumer([providerSubscription()], { leaseMs });
    expect((await post(app, REQUESTED, body)).status).toBe(503); // lease of the dead process still held
    await new Promise((r) => setTimeout(r, leaseMs + 200));
    expect((await post(app, REQUESTED, body)).status).toBe(204);
    expect((await post(app, REQUESTED, body)).status).toBe(204);
    // The provider saw both attempts under one idempotency key, so it created one instance.
    expect(await providerCalls(allocationId)).toEqual([2]);
    expect((await allocation(allocationId)).get('applied')).toBe(1);
  });

  it('outbox publish fails after commit: 503, then the redelivery publishes it, once', async () => {
    let failNext = true;
    const failingOnce = (publisher: Publisher): Publisher => ({
      ...publisher,
      send(message) {
        if (message.topic === ACTIVE && failNext) {
          failNext = false;
          return Promise.reject(new Error('UNAVAILABLE: pubsub down'));
        }
        return publisher.send(message);
      },
    });
    const { app } = h.consumer([countingSubscription()], { wrapPublisher: failingOnce });
    const allocationId = `alloc-${randomUUID()}`;
    const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
    const first = await post(app, REQUESTED, body);
    expect(first.status).toBe(503);
    expect(await first.json()).toMatchObject({ error: 'outbox_publish_failed' });
    expect((await allocation(allocationId)).get('applied')).toBe(1);
    expect(activeFor(allocationId)).toHaveLength(0);

    expect((await post(app, REQUESTED, body)).status).toBe(204);
    expect((await post(app, REQUESTED, body)).status).toBe(204);
    await expect.poll(() => activeFor(allocationId).length, { timeout: 10_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(activeFor(allocationId)).toHaveLength(1);
    expect((await allocation(allocationId)).get('applied')).toBe(1);
  });

  it('the outbox sweep publishes what a crash between commit and publish left behind', async () => {
    const dropAll = (publisher: Publisher): Publisher => ({
      ...publisher,
      send: (message) =>
        message.topic === ACTIVE
          ? Promise.reject(new Error('process died'))
          : publisher.send(message),
    });
    const { app } = h.consumer([countingSubscription()], { wrapPublisher: dropAll });
    const allocationId = `alloc-${randomUUID()}`;
    expect(
      (await post(app, REQUESTED, pushBody(event(REQUESTED, requestedPayload(allocationId)))))
        .status,
    ).toBe(503);

    const { outbox } = h.consumer([countingSubscription()]);
    // Young entries belong to deliveries still in flight: the sweep leaves them alone.
    expect(await outbox.sweep({ olderThanMs: 60_000 })).toEqual({ published: 0, failed: 0 });
    expect((await outbox.sweep({ olderThanMs: 0 })).published).toBeGreaterThanOrEqual(1);
    await expect.poll(() => activeFor(allocationId).length, { timeout: 10_000 }).toBe(1);
    expect(await outbox.sweep({ olderThanMs: 0 })).toEqual({ published: 0, failed: 0 });
  });

  it('a stuck outbox entry does not hold back the others in a sweep', async () => {
    const stuckAllocation = `alloc-${randomUUID()}`;
    const goodAllocation = `alloc-${randomUUID()}`;
    const dropAll = (publisher: Publisher): Publisher => ({
      ...publisher,
      send: (message) =>
        message.topic === ACTIVE ? Promise.reject(new Error('down')) : publisher.send(message),
    });
    const { app } = h.consumer([countingSubscription()], { wrapPublisher: dropAll });
    for (const id of [stuckAllocation, goodAllocation]) {
      const body = pushBody(event(REQUESTED, requestedPayload(id)));
      expect((await post(app, REQUESTED, body)).status).toBe(503);
    }
    const failsForStuck = (publisher: Publisher): Publisher => ({
      ...publisher,
      send: (message) =>
        message.data.toString().includes(stuckAllocation)
          ? Promise.reject(new Error('NOT_FOUND: topic'))
          : publisher.send(message),
    });
    const { outbox } = h.consumer([countingSubscription()], { wrapPublisher: failsForStuck });
    expect(await outbox.sweep({ olderThanMs: 0 })).toEqual({ published: 1, failed: 1 });
    await expect.poll(() => activeFor(goodAllocation).length, { timeout: 10_000 }).toBe(1);
    expect(await outbox.sweep({ olderThanMs: 0 })).toEqual({ published: 0, failed: 1 });
    expect(activeFor(goodAllocation)).toHaveLength(1);
    const stuck = await h.firestore
      .collection('outbox')
      .where('record_id', '==', dedupeRecordId('provisioning-worker', REQUESTED, [stuckAllocation]))
      .get();
    expect(stuck.docs[0]?.get('publish_attempts')).toBe(3);
    expect(stuck.docs[0]?.get('last_error')).toContain('NOT_FOUND');
    expect(stuck.docs[0]?.get('expire_at')).toBeUndefined();
  });

  it('lease path: an effect that fails transiently releases its lease for the next attempt', async () => {
    let failures = 1;
    const { app } = h.consumer([
      providerSubscription({
        beforeEffect: () => {
          if (failures-- > 0) throw new Error('provider API timeout');
        },
      }),
    ]);
    const allocationId = `alloc-${randomUUID()}`;
    const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
    const first = await post(app, REQUESTED, body);
    expect(first.status).toBe(503);
    expect(await first.json()).toMatchObject({ error: 'handler_failed' });
    expect((await post(app, REQUESTED, body)).status).toBe(204);
    expect((await allocation(allocationId)).get('applied')).toBe(1);
    await expect.poll(() => activeFor(allocationId).length, { timeout: 10_000 }).toBe(1);
  });

  it('lease path: an effect that fails for good is dead-lettered and leaves no lease', async () => {
    const dlq = await h.tap('provisioning-worker.dlq');
    const { app } = h.consumer([
      providerSubscription({
        beforeEffect: () => rejectEvent('gpu_type h100 is not offered by this provider'),
      }),
    ]);
    const allocationId = `alloc-${randomUUID()}`;
    const incoming = event(REQUESTED, requestedPayload(allocationId));
    expect((await post(app, REQUESTED, pushBody(incoming))).status).toBe(204);
    const [letter] = await dlq.waitForCount(1);
    expect(letter?.attributes).toMatchObject({
      event_id: incoming.event_id,
      dlq_reason: 'handler_rejected',
      dlq_detail: 'gpu_type h100 is not offered by this provider',
    });
    const record = await h.firestore
      .collection('idempotency_records')
      .doc(dedupeRecordId('provisioning-worker', REQUESTED, [allocationId]))
      .get();
    expect(record.exists).toBe(false);
    expect((await allocation(allocationId)).exists).toBe(false);
  });

  it('lease path: a delivery whose lease was taken over does not commit', async () => {
    const allocationId = `alloc-${randomUUID()}`;
    const recordRef = h.firestore
      .collection('idempotency_records')
      .doc(dedupeRecordId('provisioning-worker', REQUESTED, [allocationId]));
    const { app } = h.consumer([
      providerSubscription({
        // Another delivery takes the lease over while this one is in the outside call.
        afterEffect: () =>
          recordRef.update({
            lease_owner: 'someone-else',
            lease_until: new Date(Date.now() + 60_000),
          }),
      }),
    ]);
    const res = await post(
      app,
      REQUESTED,
      pushBody(event(REQUESTED, requestedPayload(allocationId))),
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'lease_lost' });
    expect((await allocation(allocationId)).exists).toBe(false);
    expect((await recordRef.get()).get('state')).toBe('in_progress');
  });

  describe('on a real push subscription with a dead-letter policy', () => {
    let server: ServerType;
    let port: number;
    let attempts = 0;

    beforeAll(async () => {
      const alwaysDown = defineSubscription({
        consumer: 'provisioning-worker',
        eventType: REQUESTED,
        handle() {
          attempts += 1;
          throw new Error('dependency down');
        },
      });
      const { app } = h.consumer([alwaysDown]);
      port = await new Promise<number>((resolve) => {
        server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
          resolve(info.port),
        );
      });
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('retries a transient failure, then Pub/Sub dead-letters it with its attributes', async () => {
      const dlq = await h.tap('provisioning-worker.dlq');
      const [topic] = await h.pubsub.topic(REQUESTED).get({ autoCreate: true });
      await topic.createSubscription(`${REQUESTED}.provisioning-worker`, {
        pushConfig: { pushEndpoint: `http://127.0.0.1:${port}/push/${REQUESTED}` },
        deadLetterPolicy: {
          deadLetterTopic: `projects/${h.projectId}/topics/provisioning-worker.dlq`,
          maxDeliveryAttempts: 5,
        },
        retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 2 } },
        ackDeadlineSeconds: 10,
      });
      const incoming = event(REQUESTED, requestedPayload(`alloc-${randomUUID()}`));
      await topic.publishMessage({
        data: Buffer.from(JSON.stringify(incoming)),
        attributes: { event_id: incoming.event_id },
      });

      const [letter] = await dlq.waitForCount(1, 60_000);
      expect(JSON.parse(letter?.data ?? '{}')).toEqual(incoming);
      expect(letter?.attributes).toMatchObject({
        event_id: incoming.event_id,
        CloudPubSubDeadLetterSourceDeliveryCount: '5',
        CloudPubSubDeadLetterSourceSubscription: `${REQUESTED}.provisioning-worker`,
      });
      expect(attempts).toBe(5);
    });
  });
});
