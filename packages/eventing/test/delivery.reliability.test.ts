import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectEvent } from '../src/errors';
import { dedupeRecordId } from '../src/idempotency/record-key';
import type { Publisher } from '../src/publisher';
import { event, postPush, pushBody } from '../src/testing/push-bodies';
import { TestBus } from '../src/testing/test-bus';
import type { TopicTap } from '../src/testing/topic-tap';
import { startCrashingService } from './crash';
import {
  ACTIVE,
  activeFor,
  consumer,
  countingSubscription,
  DLQ,
  providerSubscription,
  REQUESTED,
  requestedPayload,
} from './fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Settles when `signal` aborts, also when it had already aborted before the call. */
const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

/** The ack deadline `lease(n)` sets for n ≤ 6: an answer after it would not count. */
const ACK_DEADLINE_MS = 12_000;

/** A publisher whose publishes of `provisioning.active` wait `ms` first (a slow Pub/Sub). */
const slowActive =
  (ms: number, sent: { count: number }) =>
  (publisher: Publisher): Publisher => ({
    ...publisher,
    async send(message) {
      if (message.topic === ACTIVE) {
        sent.count += 1;
        await sleep(ms);
      }
      return publisher.send(message);
    },
  });

describe('push consumer: at-least-once reliability', () => {
  let bus: TestBus;
  let active: TopicTap;

  beforeAll(async () => {
    bus = await TestBus.start('evt-rel');
    await bus.createTopics(DLQ);
    active = await bus.tap(ACTIVE);
  });
  afterAll(() => bus.close());

  const allocation = (id: string) => bus.firestore.collection('allocations').doc(id).get();
  const recordOf = (allocationId: string) =>
    bus.firestore
      .collection('idempotency_records')
      .doc(dedupeRecordId('provisioning-worker', REQUESTED, [allocationId]));
  const providerCalls = async (allocationId: string) =>
    (
      await bus.firestore
        .collection('provider_calls')
        .where('allocation_id', '==', allocationId)
        .get()
    ).docs.map((doc) => doc.get('calls') as number);
  const published = (allocationId: string) => activeFor(active.received, allocationId).length;
  const lease = (seconds: number) => ({
    LEASE_SECONDS: String(seconds),
    ACK_DEADLINE_SECONDS: String(Math.max(10, seconds * 2)),
  });

  describe('lease path (an outside call under a lease)', () => {
    it('of two concurrent deliveries one runs, the other gets 503, the retry gets 204', async () => {
      const { app } = consumer(bus, [providerSubscription({ effectMs: 3000 })], lease(10));
      const allocationId = `alloc-${randomUUID()}`;
      const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
      const first = postPush(app, REQUESTED, body);
      await expect
        .poll(async () => (await recordOf(allocationId).get()).get('state'), { timeout: 10_000 })
        .toBe('in_progress');
      const second = await postPush(app, REQUESTED, body);
      expect(second.status).toBe(503);
      expect(await second.json()).toEqual({ error: 'lease_held' });
      const firstAnswer = await first;
      expect({ status: firstAnswer.status, body: await firstAnswer.text() }).toEqual({
        status: 204,
        body: '',
      });
      expect((await postPush(app, REQUESTED, body)).status).toBe(204);
      expect(await providerCalls(allocationId)).toEqual([1]);
      expect((await allocation(allocationId)).get('applied')).toBe(1);
      await expect.poll(() => published(allocationId), { timeout: 10_000 }).toBe(1);
    });

    it('racing deliveries apply once and none is lost', async () => {
      const { app } = consumer(bus, [providerSubscription({ effectMs: 500 })], lease(10));
      const allocationId = `alloc-${randomUUID()}`;
      const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => postPush(app, REQUESTED, body)),
      );
      for (const res of answers) expect([204, 503]).toContain(res.status);
      expect((await postPush(app, REQUESTED, body)).status).toBe(204);
      expect(await providerCalls(allocationId)).toEqual([1]);
      expect((await allocation(allocationId)).get('applied')).toBe(1);
    });

    it('a conflicting payload under a live lease is dead-lettered, the lease holder commits', async () => {
      const dlq = await bus.tap(DLQ);
      const { app } = consumer(bus, [providerSubscription({ effectMs: 2000 })], lease(10));
      const allocationId = `alloc-${randomUUID()}`;
      const first = postPush(
        app,
        REQUESTED,
        pushBody(event(REQUESTED, requestedPayload(allocationId))),
      );
      await expect
        .poll(async () => (await recordOf(allocationId).get()).get('state'), { timeout: 10_000 })
        .toBe('in_progress');
      const marker = randomUUID();
      const other = { ...requestedPayload(allocationId), gpu_count: 7 };
      const conflicting = await postPush(
        app,
        REQUESTED,
        pushBody(event(REQUESTED, other), { attributes: { test_marker: marker } }),
      );
      expect(conflicting.status).toBe(204);
      const letter = await dlq.waitFor((m) => m.attributes.test_marker === marker);
      expect(letter.attributes.dlq_reason).toBe('idempotency_conflict');
      expect((await first).status).toBe(204);
      expect((await allocation(allocationId)).get('applied')).toBe(1);
    });

    it('ctx.signal aborts an effect before its lease runs out; the lease is released for the retry', async () => {
      let abortedAt: number | undefined;
      let waitForAbort = true;
      const { app } = consumer(
        bus,
        [
          providerSubscription({
            effect: async (signal) => {
              if (!waitForAbort) return;
              await untilAborted(signal);
              abortedAt = Date.now();
              throw signal.reason;
            },
          }),
        ],
        lease(2),
      );
      const allocationId = `alloc-${randomUUID()}`;
      const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
      const started = Date.now();
      const first = await postPush(app, REQUESTED, body);
      expect(first.status).toBe(503);
      expect(abortedAt).toBeDefined();
      // 80% of the 2 s lease, measured from the lease it wrote (which is after `started`).
      expect((abortedAt ?? Infinity) - started).toBeLessThan(2000);
      expect((await recordOf(allocationId).get()).exists).toBe(false);
      waitForAbort = false;
      expect((await postPush(app, REQUESTED, body)).status).toBe(204);
      expect((await allocation(allocationId)).get('applied')).toBe(1);
    });

    it('an effect that ignores its signal and never ends is answered 503 in time, and keeps its lease', async () => {
      let finishEffect: () => void = () => {};
      let ignoring = true;
      const { app } = consumer(
        bus,
        [
          providerSubscription({
            effect: () =>
              ignoring
                ? new Promise<void>((resolve) => {
                    finishEffect = resolve;
                  })
                : Promise.resolve(),
          }),
        ],
        // The delivery answers at 3 s; the lease it wrote lasts 6 s.
        { ...lease(6), DELIVERY_BUDGET_SECONDS: '3' },
      );
      const allocationId = `alloc-${randomUUID()}`;
      const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
      const started = Date.now();
      const first = await postPush(app, REQUESTED, body);
      expect(first.status).toBe(503);
      expect(await first.json()).toEqual({ error: 'effect_overran' });
      // Answered at the delivery's budget, below the ack deadline (an answer after it would not count).
      expect(Date.now() - started).toBeLessThan(ACK_DEADLINE_MS);
      // The outside call may still run: a redelivery now must not start a second one.
      const record = await recordOf(allocationId).get();
      expect(record.get('state')).toBe('in_progress');
      const held = await postPush(app, REQUESTED, body);
      expect(held.status).toBe(503);
      expect(await held.json()).toEqual({ error: 'lease_held' });
      expect(await providerCalls(allocationId)).toEqual([1]);
      ignoring = false;
      finishEffect();
      // Once the lease has run out, the redelivery takes a new one and applies the event once.
      const leaseEnds = (record.get('lease_until') as { toMillis(): number }).toMillis();
      await sleep(Math.max(0, leaseEnds - Date.now()) + 50);
      expect((await postPush(app, REQUESTED, body)).status).toBe(204);
      expect(await providerCalls(allocationId)).toEqual([2]);
      expect((await allocation(allocationId)).get('applied')).toBe(1);
    });

    it('the abort timer counts from the lease written, not from when its transaction returned', async () => {
      let signalled: number | undefined;
      let committed: number | undefined;
      let delayed = false;
      // The lease transaction is slow (a busy Firestore): 1.5 s of a 3 s lease are gone.
      const slowFirstTransaction = (firestore: Firestore): Firestore =>
        new Proxy(firestore, {
          get(target, property, receiver) {
            if (property === 'runTransaction' && !delayed) {
              delayed = true;
              return async (...args: Parameters<Firestore['runTransaction']>) => {
                const result = await target.runTransaction(...args);
                // The lease was written by now: it ends no later than this + 3 s.
                committed = Date.now();
                await sleep(1500);
                return result;
              };
            }
            const value = Reflect.get(target, property, receiver);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      const { firestoreClient } = await import('@gpuaas/testkit');
      const { app } = consumer(
        bus,
        [
          providerSubscription({
            effect: async (signal) => {
              await untilAborted(signal);
              signalled = Date.now();
              throw signal.reason;
            },
          }),
        ],
        lease(3),
        { firestore: slowFirstTransaction(firestoreClient(bus.projectId)) },
      );
      const allocationId = `alloc-${randomUUID()}`;
      expect(
        (await postPush(app, REQUESTED, pushBody(event(REQUESTED, requestedPayload(allocationId)))))
          .status,
      ).toBe(503);
      expect(delayed).toBe(true);
      // Lease until ≤ committed + 3 s; the effect must stop 20% (0.6 s) before it. A timer counted
      // from the transaction's return would fire 1.5 s later than that.
      expect(signalled).toBeDefined();
      expect((signalled as number) - (committed as number)).toBeLessThan(3000 - 400);
    });

    it('two effects at a real lease expiry: both call out under one key, one commits', async () => {
      let slow = true;
      const { app } = consumer(
        bus,
        [
          providerSubscription({
            // The first ignores its signal and outlives its 2 s lease; the second is quick.
            effect: async () => {
              if (slow) {
                slow = false;
                await sleep(4000);
              }
            },
          }),
        ],
        lease(2),
      );
      const allocationId = `alloc-${randomUUID()}`;
      const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
      const first = postPush(app, REQUESTED, body);
      await sleep(2500);
      const second = await postPush(app, REQUESTED, body);
      expect(second.status).toBe(204);
      // The first finds the key completed by the second: a duplicate, acknowledged.
      expect((await first).status).toBe(204);
      expect(await providerCalls(allocationId)).toEqual([2]);
      expect((await allocation(allocationId)).get('applied')).toBe(1);
      expect((await recordOf(allocationId).get()).get('attempts')).toBe(2);
      expect((await postPush(app, REQUESTED, body)).status).toBe(204);
      await expect.poll(() => published(allocationId)).toBe(1);
    });

    it('crash after the side effect: the lease expires, the retry completes, applied once', async () => {
      const allocationId = `alloc-${randomUUID()}`;
      const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
      const { child, port } = await startCrashingService({
        TEST_PROJECT_ID: bus.projectId,
        TEST_CRASH: 'after-effect',
        TEST_LEASE_SECONDS: '8',
      });
      const crashed = await fetch(`http://127.0.0.1:${port}/push/${REQUESTED}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(
        (res) => res.status,
        () => 'connection lost',
      );
      expect(crashed).toBe('connection lost');
      if (child.exitCode === null) await once(child, 'exit');
      expect(await providerCalls(allocationId)).toEqual([1]);
      expect((await allocation(allocationId)).exists).toBe(false);

      const { app } = consumer(bus, [providerSubscription()], lease(3));
      expect((await postPush(app, REQUESTED, body)).status).toBe(503); // the dead process's lease
      // Redelivered as Pub/Sub would: 503 while the dead lease lasts, then the retry completes.
      let status = 503;
      for (let i = 0; i < 40 && status === 503; i++) {
        await sleep(500);
        status = (await postPush(app, REQUESTED, body)).status;
      }
      expect(status).toBe(204);
      expect((await postPush(app, REQUESTED, body)).status).toBe(204);
      // The provider saw both attempts under one idempotency key, so it created one instance.
      expect(await providerCalls(allocationId)).toEqual([2]);
      expect((await allocation(allocationId)).get('applied')).toBe(1);
    });

    it('an effect that fails transiently releases its lease for the next attempt', async () => {
      let failures = 1;
      const { app } = consumer(bus, [
        providerSubscription({
          beforeEffect: () => {
            if (failures-- > 0) throw new Error('provider API timeout');
          },
        }),
      ]);
      const allocationId = `alloc-${randomUUID()}`;
      const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
      const first = await postPush(app, REQUESTED, body);
      expect(first.status).toBe(503);
      expect(await first.json()).toEqual({ error: 'handler_failed' });
      expect((await postPush(app, REQUESTED, body)).status).toBe(204);
      expect((await allocation(allocationId)).get('applied')).toBe(1);
      await expect.poll(() => published(allocationId), { timeout: 10_000 }).toBe(1);
    });

    it('an effect that fails for good is dead-lettered and leaves no lease', async () => {
      const dlq = await bus.tap(DLQ);
      const { app } = consumer(bus, [
        providerSubscription({
          beforeEffect: () => rejectEvent('gpu_type h100 is not offered by this provider'),
        }),
      ]);
      const allocationId = `alloc-${randomUUID()}`;
      const incoming = event(REQUESTED, requestedPayload(allocationId));
      expect((await postPush(app, REQUESTED, pushBody(incoming))).status).toBe(204);
      const letter = await dlq.waitFor((m) => m.attributes.event_id === incoming.event_id);
      expect(letter.attributes).toMatchObject({
        dlq_reason: 'handler_rejected',
        dlq_detail: 'gpu_type h100 is not offered by this provider',
      });
      expect((await recordOf(allocationId).get()).exists).toBe(false);
      expect((await allocation(allocationId)).exists).toBe(false);
    });
  });

  describe('the outbox', () => {
    it('publish fails after commit: 503, then the redelivery publishes it, once', async () => {
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
      const { app } = consumer(bus, [countingSubscription()], {}, { wrapPublisher: failingOnce });
      const allocationId = `alloc-${randomUUID()}`;
      const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
      const first = await postPush(app, REQUESTED, body);
      expect(first.status).toBe(503);
      expect(await first.json()).toEqual({ error: 'outbox_publish_failed' });
      expect((await allocation(allocationId)).get('applied')).toBe(1);
      expect(published(allocationId)).toBe(0);

      expect((await postPush(app, REQUESTED, body)).status).toBe(204);
      expect((await postPush(app, REQUESTED, body)).status).toBe(204);
      await expect.poll(() => published(allocationId), { timeout: 10_000 }).toBe(1);
      await sleep(500);
      expect(published(allocationId)).toBe(1);
      expect((await allocation(allocationId)).get('applied')).toBe(1);
    });

    it('a redelivery arriving while the first delivery still publishes does not send it again', async () => {
      const sent = { count: 0 };
      const { app } = consumer(
        bus,
        [countingSubscription()],
        {},
        {
          wrapPublisher: slowActive(1500, sent),
        },
      );
      const allocationId = `alloc-${randomUUID()}`;
      const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
      const first = postPush(app, REQUESTED, body);
      await expect.poll(() => sent.count, { timeout: 5000 }).toBe(1);
      // Committed, publishing: the duplicate finds the entry claimed by the first delivery.
      const duplicate = await postPush(app, REQUESTED, body);
      expect(duplicate.status).toBe(204);
      expect((await first).status).toBe(204);
      expect(sent.count).toBe(1);
      await expect.poll(() => published(allocationId), { timeout: 10_000 }).toBe(1);
    });

    it('the sweep publishes what a crash between commit and publish left, once its claim ran out', async () => {
      const dropAll = (publisher: Publisher): Publisher => ({
        ...publisher,
        send: (message) =>
          message.topic === ACTIVE
            ? new Promise<string>(() => undefined) // the process "dies" mid-publish
            : publisher.send(message),
      });
      const env = {
        OUTBOX_CLAIM_SECONDS: '2',
        ACK_DEADLINE_SECONDS: '10',
        DELIVERY_BUDGET_SECONDS: '1',
      };
      const { app } = consumer(bus, [countingSubscription()], env, { wrapPublisher: dropAll });
      const allocationId = `alloc-${randomUUID()}`;
      const res = await postPush(
        app,
        REQUESTED,
        pushBody(event(REQUESTED, requestedPayload(allocationId))),
      );
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: 'deadline_exceeded' });

      const { outbox } = consumer(bus, [countingSubscription()], env);
      // Claimed by the relay that never finished: a sweep leaves it alone until the claim ends.
      expect(await outbox.sweep()).toMatchObject({ published: 0 });
      await sleep(2100);
      expect((await outbox.sweep()).published).toBeGreaterThanOrEqual(1);
      await expect.poll(() => published(allocationId), { timeout: 10_000 }).toBe(1);
      expect(await outbox.sweep()).toMatchObject({ published: 0, failed: 0 });
    });

    it('a sweep racing the relay does not publish the relay’s entries', async () => {
      const sent = { count: 0 };
      const { app } = consumer(
        bus,
        [countingSubscription()],
        {},
        {
          wrapPublisher: slowActive(1500, sent),
        },
      );
      const { outbox } = consumer(bus, [countingSubscription()]);
      const allocationId = `alloc-${randomUUID()}`;
      const first = postPush(
        app,
        REQUESTED,
        pushBody(event(REQUESTED, requestedPayload(allocationId))),
      );
      await expect.poll(() => sent.count, { timeout: 5000 }).toBe(1);
      const swept = await outbox.sweep();
      expect(swept.published).toBe(0);
      expect((await first).status).toBe(204);
      await expect.poll(() => published(allocationId), { timeout: 10_000 }).toBe(1);
    });

    it('two services and two instances of one sweeping at once: each entry published once, by its own service', async () => {
      const stuck = (publisher: Publisher): Publisher => ({
        ...publisher,
        send: (message) =>
          message.topic === ACTIVE ? Promise.reject(new Error('down')) : publisher.send(message),
      });
      const serviceA = `svc-a-${randomUUID().slice(0, 6)}`;
      const serviceB = `svc-b-${randomUUID().slice(0, 6)}`;
      const make = (name: string, wrap?: (p: Publisher) => Publisher) =>
        bus.create({
          config: bus.config(name),
          subscriptions: [countingSubscription()],
          wrapPublisher: wrap,
        });
      const ids = { a: [] as string[], b: [] as string[] };
      for (const [name, list] of [
        [serviceA, ids.a],
        [serviceB, ids.b],
      ] as const) {
        const { app } = make(name, stuck);
        for (let i = 0; i < 3; i++) {
          const allocationId = `alloc-${randomUUID()}`;
          list.push(allocationId);
          const res = await postPush(
            app,
            REQUESTED,
            pushBody(event(REQUESTED, requestedPayload(allocationId))),
          );
          expect(res.status).toBe(503);
        }
      }
      // A failed relay releases its claim at once: the entries are due. Two instances of A and
      // one of B sweep at the same moment: each entry goes out once, each from its own service.
      const [first, second, ofB] = await Promise.all([
        make(serviceA).outbox.sweep(),
        make(serviceA).outbox.sweep(),
        make(serviceB).outbox.sweep(),
      ]);
      expect(first.published + second.published).toBe(3);
      expect(ofB.published).toBe(3);
      for (const id of [...ids.a, ...ids.b]) {
        await expect.poll(() => published(id), { timeout: 10_000 }).toBe(1);
      }
      await sleep(500);
      for (const id of [...ids.a, ...ids.b]) expect(published(id)).toBe(1);
      // Nothing is left for anyone.
      expect((await make(serviceA).outbox.sweep()).published).toBe(0);
      expect((await make(serviceB).outbox.sweep()).published).toBe(0);
    });

    it('a stuck outbox entry does not hold back the others in a sweep', async () => {
      const stuckAllocation = `alloc-${randomUUID()}`;
      const goodAllocation = `alloc-${randomUUID()}`;
      const name = `svc-stuck-${randomUUID().slice(0, 6)}`;
      const dropAll = (publisher: Publisher): Publisher => ({
        ...publisher,
        send: (message) =>
          message.topic === ACTIVE ? Promise.reject(new Error('down')) : publisher.send(message),
      });
      const { app } = bus.create({
        config: bus.config(name),
        subscriptions: [countingSubscription()],
        wrapPublisher: dropAll,
      });
      for (const id of [stuckAllocation, goodAllocation]) {
        const res = await postPush(
          app,
          REQUESTED,
          pushBody(event(REQUESTED, requestedPayload(id))),
        );
        expect(res.status).toBe(503);
      }
      const failsForStuck = (publisher: Publisher): Publisher => ({
        ...publisher,
        send: (message) =>
          message.data.toString().includes(stuckAllocation)
            ? Promise.reject(new Error('NOT_FOUND: topic'))
            : publisher.send(message),
      });
      const { outbox } = bus.create({
        config: bus.config(name),
        subscriptions: [countingSubscription()],
        wrapPublisher: failsForStuck,
      });
      expect(await outbox.sweep()).toMatchObject({ published: 1, failed: 1 });
      await expect.poll(() => published(goodAllocation), { timeout: 10_000 }).toBe(1);
      expect(await outbox.sweep()).toMatchObject({ published: 0, failed: 1 });
      expect(published(goodAllocation)).toBe(1);
      const stuck = await bus.firestore
        .collection('outbox')
        .where('source', '==', dedupeRecordId('provisioning-worker', REQUESTED, [stuckAllocation]))
        .get();
      expect(stuck.docs[0]?.get('publish_attempts')).toBe(3);
      expect(stuck.docs[0]?.get('last_error')).toContain('NOT_FOUND');
      expect(stuck.docs[0]?.get('expire_at')).toBeUndefined();
    });
  });

  it('a lease taken over (by another delivery) is detected at commit', async () => {
    const allocationId = `alloc-${randomUUID()}`;
    const recordRef = recordOf(allocationId);
    const { app } = consumer(bus, [
      providerSubscription({
        afterEffect: () =>
          recordRef.update({
            lease_owner: 'someone-else',
            lease_until: new Date(Date.now() + 60_000),
          }),
      }),
    ]);
    const res = await postPush(
      app,
      REQUESTED,
      pushBody(event(REQUESTED, requestedPayload(allocationId))),
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'lease_lost' });
    expect((await allocation(allocationId)).exists).toBe(false);
    expect((await recordRef.get()).get('state')).toBe('in_progress');
  });
});
