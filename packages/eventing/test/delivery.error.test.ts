import { randomUUID } from 'node:crypto';
import { examples } from '@gpuaas/contracts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectEvent } from '../src/errors';
import type { Publisher } from '../src/publisher';
import { defineSubscription } from '../src/subscription';
import { event, postPush, pushBody, rawPushBody } from '../src/testing/push-bodies';
import { TestBus } from '../src/testing/test-bus';
import type { Captured, TopicTap } from '../src/testing/topic-tap';
import {
  ACTIVE,
  consumer,
  countingSubscription,
  DLQ,
  REQUESTED,
  requestedPayload,
} from './fixtures';

describe('push consumer: poison events and transient failures', () => {
  let bus: TestBus;
  let dlq: TopicTap;
  const subscription = `${REQUESTED}.provisioning-worker`;

  beforeAll(async () => {
    bus = await TestBus.start('evt-error');
    await bus.createTopics(ACTIVE);
    dlq = await bus.tap(DLQ);
  });
  afterAll(() => bus.close());

  const deadLetterOf = (marker: string, timeoutMs = 10_000): Promise<Captured> =>
    dlq.waitFor((m) => m.attributes.test_marker === marker, timeoutMs);
  const allocation = (id: string) => bus.firestore.collection('allocations').doc(id).get();
  const recordCount = async () =>
    (await bus.firestore.collection('idempotency_records').count().get()).data().count;

  const validJson = (mutate: (envelope: Record<string, unknown>) => void) => {
    const envelope = event(
      REQUESTED,
      requestedPayload(`alloc-${randomUUID()}`),
    ) as unknown as Record<string, unknown>;
    mutate(envelope);
    return JSON.stringify(envelope);
  };
  // Spliced in as text: JSON.stringify itself overflows the stack on such a value.
  const deepArray = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

  const poison: [string, string, string][] = [
    ['not_json', '{"event_id": ', 'not JSON'],
    ['not_json', '\u00ff\u00fe broken', 'not UTF-8 JSON'],
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
    [
      'payload_invalid',
      validJson((e) => ((e.payload as Record<string, unknown>).extra = '@deep@')).replace(
        '"@deep@"',
        deepArray(5000),
      ),
      'a 5,000-deep array in an unknown field',
    ],
  ];

  it.each(poison)('dead-letters %s (%s) at once and answers 204', async (reason, data) => {
    const { app } = consumer(bus, [countingSubscription()]);
    const marker = randomUUID();
    const before = await recordCount();
    const res = await postPush(
      app,
      REQUESTED,
      rawPushBody(data, { test_marker: marker }, { subscription }),
    );
    expect(res.status).toBe(204);
    const letter = await deadLetterOf(marker);
    expect(letter.data).toBe(Buffer.from(data).toString());
    expect(letter.attributes).toMatchObject({
      dlq_reason: reason,
      source_subscription: subscription,
      test_marker: marker,
    });
    expect(letter.attributes.dlq_detail?.length).toBeGreaterThan(0);
    expect(Date.parse(letter.attributes.dead_lettered_at ?? '')).not.toBeNaN();
    expect(await recordCount()).toBe(before);
  });

  it('dead-letters data that is not base64', async () => {
    const { app } = consumer(bus, [countingSubscription()]);
    const marker = randomUUID();
    const body = {
      message: { data: '!!not-base64!!', attributes: { test_marker: marker }, messageId: '7' },
    };
    expect((await postPush(app, REQUESTED, body)).status).toBe(204);
    expect((await deadLetterOf(marker)).attributes.dlq_reason).toBe('not_base64');
  });

  describe('messages up to Pub/Sub’s 10 MB', () => {
    const big = (bytes: number) => 'x'.repeat(bytes);

    it.each([4 * 1024 * 1024, 9.5 * 1024 * 1024])(
      'processes a valid %d-byte event once',
      async (size) => {
        const { app } = consumer(bus, [countingSubscription()]);
        const allocationId = `alloc-${randomUUID()}`;
        const envelope = event(REQUESTED, requestedPayload(allocationId));
        (envelope.payload as Record<string, unknown>).notes = big(size - 1024);
        const body = rawPushBody(JSON.stringify(envelope), { event_type: REQUESTED });
        expect((await postPush(app, REQUESTED, body)).status).toBe(204);
        expect((await postPush(app, REQUESTED, body)).status).toBe(204);
        expect((await allocation(allocationId)).get('applied')).toBe(1);
      },
    );

    it.each([4 * 1024 * 1024, 9.5 * 1024 * 1024])(
      'dead-letters a poison %d-byte message whole, with a reason',
      async (size) => {
        const { app } = consumer(bus, [countingSubscription()]);
        const marker = randomUUID();
        const data = `{"unterminated": "${big(size)}`;
        const res = await postPush(app, REQUESTED, rawPushBody(data, { test_marker: marker }));
        expect(res.status).toBe(204);
        const letter = await deadLetterOf(marker, 30_000);
        expect(letter.attributes.dlq_reason).toBe('not_json');
        expect(letter.data.length).toBe(data.length);
      },
    );
  });

  it('dead-letters an event of another type posted on this route', async () => {
    const { app } = consumer(bus, [countingSubscription()]);
    const marker = randomUUID();
    const wrong = event(ACTIVE, examples[ACTIVE]);
    const res = await postPush(
      app,
      REQUESTED,
      pushBody(wrong, { attributes: { test_marker: marker } }),
    );
    expect(res.status).toBe(204);
    expect((await deadLetterOf(marker)).attributes.dlq_reason).toBe('wrong_event_type');
  });

  it('dead-letters the same key with another payload as an idempotency conflict and keeps the first', async () => {
    const { app } = consumer(bus, [countingSubscription()]);
    const allocationId = `alloc-${randomUUID()}`;
    const first = pushBody(event(REQUESTED, requestedPayload(allocationId)));
    expect((await postPush(app, REQUESTED, first)).status).toBe(204);
    const marker = randomUUID();
    const changed = { ...requestedPayload(allocationId), gpu_count: 8 };
    const res = await postPush(
      app,
      REQUESTED,
      pushBody(event(REQUESTED, changed), { attributes: { test_marker: marker } }),
    );
    expect(res.status).toBe(204);
    expect((await deadLetterOf(marker)).attributes.dlq_reason).toBe('idempotency_conflict');
    expect((await allocation(allocationId)).get('applied')).toBe(1);
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
    const { app } = consumer(bus, [rejecting]);
    const marker = randomUUID();
    const allocationId = `alloc-${randomUUID()}`;
    const res = await postPush(
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
    expect((await allocation(allocationId)).exists).toBe(false);
  });

  it('refuses an emitted event Pub/Sub would refuse: dead letter, nothing committed', async () => {
    const overlong = defineSubscription({
      consumer: 'provisioning-worker',
      eventType: REQUESTED,
      async handle(incoming, ctx) {
        ctx.tx.set(ctx.firestore.collection('allocations').doc(incoming.payload.allocation_id), {
          applied: 1,
        });
        // Its idempotency_key attribute would be over Pub/Sub's 1,024-byte limit.
        ctx.emit(ACTIVE, { ...examples[ACTIVE], allocation_id: 'a'.repeat(2000) });
      },
    });
    const { app } = consumer(bus, [overlong]);
    const marker = randomUUID();
    const allocationId = `alloc-${randomUUID()}`;
    const before = await recordCount();
    const res = await postPush(
      app,
      REQUESTED,
      pushBody(event(REQUESTED, requestedPayload(allocationId)), {
        attributes: { test_marker: marker },
      }),
    );
    expect(res.status).toBe(204);
    const letter = await deadLetterOf(marker);
    expect(letter.attributes.dlq_reason).toBe('emit_invalid');
    expect(letter.attributes.dlq_detail).toContain('idempotency_key');
    expect((await allocation(allocationId)).exists).toBe(false);
    expect(await recordCount()).toBe(before);
  });

  it('answers 503 to a transient failure, commits nothing, and applies the retry once', async () => {
    let failures = 1;
    const flaky = countingSubscription({
      beforeCommit: async () => {
        if (failures-- > 0) throw new Error('inventory service unavailable');
      },
    });
    const { app, metrics } = consumer(bus, [flaky]);
    const allocationId = `alloc-${randomUUID()}`;
    const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
    const first = await postPush(app, REQUESTED, body);
    expect(first.status).toBe(503);
    expect(await first.json()).toEqual({ error: 'handler_failed' });
    expect((await allocation(allocationId)).exists).toBe(false);
    expect((await postPush(app, REQUESTED, body)).status).toBe(204);
    expect((await postPush(app, REQUESTED, body)).status).toBe(204);
    expect((await allocation(allocationId)).get('applied')).toBe(1);
    expect(metrics.snapshot()[`${subscription}|retry|handler_failed`]).toBe(1);
  });

  it('carries a TransientError’s reason to the answer and the metrics', async () => {
    const { TransientError } = await import('../src/errors');
    const busy = defineSubscription({
      consumer: 'provisioning-worker',
      eventType: REQUESTED,
      handle() {
        throw new TransientError('inventory_busy', 'the inventory service asked us to wait');
      },
    });
    const { app, metrics } = consumer(bus, [busy]);
    const res = await postPush(app, REQUESTED, pushBody(event(REQUESTED, requestedPayload('a-1'))));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'inventory_busy' });
    expect(metrics.snapshot()[`${subscription}|retry|inventory_busy`]).toBe(1);
  });

  describe('never a default 500: anything unexpected is a classified outcome', () => {
    const throwing = (thrown: () => unknown) =>
      defineSubscription({
        consumer: 'provisioning-worker',
        eventType: REQUESTED,
        handle() {
          throw thrown();
        },
      });
    const hostileError = () => {
      const error = new Error('x');
      Object.defineProperty(error, 'message', {
        get() {
          throw new Error('message getter');
        },
      });
      return error;
    };

    it.each([
      ['a thrown string', () => 'just a string'],
      ['a thrown object', () => ({ not: 'an error' })],
      ['a thrown undefined', () => undefined],
      ['an error whose message getter throws', hostileError],
      [
        'a revoked proxy',
        () => {
          const { proxy, revoke } = Proxy.revocable({}, {});
          revoke();
          return proxy;
        },
      ],
    ])("%s → 503 handler_failed, logged with the delivery's fields", async (_name, thrown) => {
      const lines: Record<string, unknown>[] = [];
      const logger = pino(
        { level: 'info' },
        { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
      );
      const { app } = consumer(bus, [throwing(thrown)], {}, { logger });
      const sent = event(REQUESTED, requestedPayload(`a-${randomUUID()}`));
      const res = await postPush(app, REQUESTED, pushBody(sent, { messageId: 'm-never-500' }));
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: 'handler_failed' });
      const retried = lines.find((line) => line.msg === 'delivery will be retried');
      expect(retried).toMatchObject({
        level: 40,
        outcome: 'retry',
        reason: 'handler_failed',
        event_id: sent.event_id,
        event_type: REQUESTED,
        correlation_id: sent.correlation_id,
        message_id: 'm-never-500',
      });
      expect(retried?.detail).toEqual(expect.any(String));
      expect(String(retried?.detail).length).toBeGreaterThan(0);
    });

    it('a log field whose getter throws, in the handler → 503, not 500', async () => {
      const logging = defineSubscription({
        consumer: 'provisioning-worker',
        eventType: REQUESTED,
        handle(_event, ctx) {
          ctx.log.info(
            {
              get hostile() {
                throw new Error('serialising me fails');
              },
            },
            'about to apply',
          );
        },
      });
      const { app } = consumer(bus, [logging], { LOG_LEVEL: 'info' });
      const res = await postPush(
        app,
        REQUESTED,
        pushBody(event(REQUESTED, requestedPayload(`a-${randomUUID()}`))),
      );
      // pino cannot serialise the field and throws inside the handler: a retry, classified.
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: 'handler_failed' });
    });

    it('a push attribute with a hostile value is logged and answered, not a 500', async () => {
      const { app } = consumer(bus, [countingSubscription()], { LOG_LEVEL: 'info' });
      const allocationId = `alloc-${randomUUID()}`;
      const body = pushBody(event(REQUESTED, requestedPayload(allocationId)), {
        attributes: { correlation_id: '\u0000\ud800 not valid unicode', toString: 'x' },
      });
      const res = await postPush(app, REQUESTED, body);
      expect(res.status).toBe(204);
    });
  });

  describe('Firestore errors are transient, from the handler or the runtime', () => {
    it('a handler’s create of an existing document (ALREADY_EXISTS at commit) → 503, retried', async () => {
      const creating = defineSubscription({
        consumer: 'provisioning-worker',
        eventType: REQUESTED,
        async handle(incoming, ctx) {
          ctx.tx.create(
            ctx.firestore.collection('allocations').doc(incoming.payload.allocation_id),
            {
              applied: 1,
            },
          );
        },
      });
      const { app } = consumer(bus, [creating]);
      const allocationId = `alloc-${randomUUID()}`;
      await bus.firestore.collection('allocations').doc(allocationId).set({ applied: 0 });
      const res = await postPush(
        app,
        REQUESTED,
        pushBody(event(REQUESTED, requestedPayload(allocationId))),
      );
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: 'grpc_already_exists' });
      expect((await allocation(allocationId)).get('applied')).toBe(0);
    });

    it('a real NOT_FOUND (an update of a missing document) → 503 grpc_not_found', async () => {
      const updating = defineSubscription({
        consumer: 'provisioning-worker',
        eventType: REQUESTED,
        async handle(incoming, ctx) {
          ctx.tx.update(ctx.firestore.collection('missing').doc(incoming.payload.allocation_id), {
            applied: 1,
          });
        },
      });
      const { app } = consumer(bus, [updating]);
      const res = await postPush(
        app,
        REQUESTED,
        pushBody(event(REQUESTED, requestedPayload(`a-${randomUUID()}`))),
      );
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: 'grpc_not_found' });
    });

    it('a real FAILED_PRECONDITION (a stale update precondition) → 503 grpc_failed_precondition', async () => {
      const allocationId = `alloc-${randomUUID()}`;
      const ref = bus.firestore.collection('allocations').doc(allocationId);
      const [written] = await Promise.all([ref.set({ applied: 0 })]);
      await ref.set({ applied: 0, changed: true });
      const stale = defineSubscription({
        consumer: 'provisioning-worker',
        eventType: REQUESTED,
        async handle(_incoming, ctx) {
          ctx.tx.update(ref, { applied: 1 }, { lastUpdateTime: written.writeTime });
        },
      });
      const { app } = consumer(bus, [stale]);
      const res = await postPush(
        app,
        REQUESTED,
        pushBody(event(REQUESTED, requestedPayload(allocationId))),
      );
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: 'grpc_failed_precondition' });
      expect((await ref.get()).get('applied')).toBe(0);
    });
  });

  it('rejects a malformed push wrapper with 400 and a reason', async () => {
    const { app } = consumer(bus, [countingSubscription()]);
    const res = await postPush(app, REQUESTED, { notAMessage: true });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'push body has no "message" object' });
    const notJson = await app.request(`/push/${REQUESTED}`, { method: 'POST', body: '{oops' });
    expect(notJson.status).toBe(400);
  });

  it('rejects a push body over the size limit with 413', async () => {
    const { app } = consumer(bus, [countingSubscription()]);
    // Pub/Sub's largest message (10 MB) fits; beyond what it can send is refused.
    const huge = rawPushBody('x'.repeat(11 * 1024 * 1024), {});
    expect((await postPush(app, REQUESTED, huge)).status).toBe(413);
  });

  it('answers 503, never 204, when the dead letter cannot be published', async () => {
    const dlqDown = (publisher: Publisher): Publisher => ({
      ...publisher,
      send: (message) =>
        message.topic === DLQ
          ? Promise.reject(new Error('UNAVAILABLE: pubsub down'))
          : publisher.send(message),
    });
    const { app } = consumer(bus, [countingSubscription()], {}, { wrapPublisher: dlqDown });
    const res = await postPush(app, REQUESTED, rawPushBody('{not json', {}));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'dead_letter_publish_failed' });
  });
});
