import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { examples } from '@gpuaas/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dedupeRecordId } from '../src/idempotency/record-key';
import { createLogger } from '../src/logger';
import { defineSubscription } from '../src/subscription';
import { event, postPush, pushBody, rawPushBody } from '../src/testing/push-bodies';
import { TestBus } from '../src/testing/test-bus';
import type { TopicTap } from '../src/testing/topic-tap';
import {
  ACTIVE,
  activeFor,
  consumer,
  countingSubscription,
  DLQ,
  REQUESTED,
  requestedPayload,
} from './fixtures';

describe('push consumer: processing and duplicates', () => {
  let bus: TestBus;
  let active: TopicTap;
  const counting = () => consumer(bus, [countingSubscription()]);

  beforeAll(async () => {
    bus = await TestBus.start('evt-happy');
    await bus.createTopics(DLQ);
    active = await bus.tap(ACTIVE);
  });
  afterAll(() => bus.close());

  const applied = async (allocationId: string) =>
    (await bus.firestore.collection('allocations').doc(allocationId).get()).get('applied');

  it('applies a new event, commits its emitted event and publishes it with causation', async () => {
    const { app } = counting();
    const allocationId = `alloc-${randomUUID()}`;
    const incoming = event(REQUESTED, requestedPayload(allocationId));
    const res = await postPush(app, REQUESTED, pushBody(incoming));
    expect(res.status).toBe(204);
    expect(await applied(allocationId)).toBe(1);

    const out = await active.waitFor((m) => m.json?.payload?.allocation_id === allocationId);
    expect(out.attributes).toMatchObject({
      event_type: ACTIVE,
      version: '1.1',
      correlation_id: incoming.correlation_id,
      causation_id: incoming.event_id,
      producer: 'test-service',
    });
    const envelope = out.json as { event_id: string; payload: { started_at: string } };
    expect(out.attributes.event_id).toBe(envelope.event_id);
    expect(out.attributes.idempotency_key).toBe(`${allocationId}:${envelope.payload.started_at}`);

    // Published: no longer due for a sweep, stamped, and on its TTL.
    const entry = await bus.firestore.collection('outbox').doc(envelope.event_id).get();
    expect(entry.exists).toBe(true);
    await expect.poll(async () => (await entry.ref.get()).get('published_at')).toBeTruthy();
    const published = await entry.ref.get();
    expect(published.get('due_at')).toBeUndefined();
    expect(published.get('claim_owner')).toBeUndefined();
    expect(published.get('producer')).toBe('test-service');
    expect(published.get('expire_at')).toBeTruthy();
  });

  it('answers 204 to the same message twice and applies it once', async () => {
    const { app } = counting();
    const allocationId = `alloc-${randomUUID()}`;
    const incoming = event(REQUESTED, requestedPayload(allocationId));
    const body = pushBody(incoming, { messageId: '42' });
    expect((await postPush(app, REQUESTED, body)).status).toBe(204);
    expect((await postPush(app, REQUESTED, body)).status).toBe(204);
    expect(await applied(allocationId)).toBe(1);

    const record = await bus.firestore
      .collection('idempotency_records')
      .doc(dedupeRecordId('provisioning-worker', REQUESTED, [allocationId]))
      .get();
    expect(record.data()).toMatchObject({
      state: 'completed',
      idempotency_key: allocationId,
      event_id: incoming.event_id,
      correlation_id: incoming.correlation_id,
      payload_version: '1.0',
      subscription: `${REQUESTED}.provisioning-worker`,
    });
    // The TTL field outlives the archive plus the replay window: 45 days by default.
    const ttlDays = (record.get('expire_at').toMillis() - Date.now()) / 86_400_000;
    expect(ttlDays).toBeGreaterThan(44.9);
    expect(ttlDays).toBeLessThanOrEqual(45);
  });

  it('treats the same idempotency key under a new event_id as a duplicate', async () => {
    const { app } = counting();
    const allocationId = `alloc-${randomUUID()}`;
    const payload = requestedPayload(allocationId);
    expect((await postPush(app, REQUESTED, pushBody(event(REQUESTED, payload)))).status).toBe(204);
    expect((await postPush(app, REQUESTED, pushBody(event(REQUESTED, payload)))).status).toBe(204);
    expect(await applied(allocationId)).toBe(1);
  });

  it('a re-send under a newer minor with an added field is a duplicate, not a conflict', async () => {
    const { app, metrics } = counting();
    const allocationId = `alloc-${randomUUID()}`;
    const first = event(REQUESTED, requestedPayload(allocationId));
    expect((await postPush(app, REQUESTED, pushBody(first))).status).toBe(204);
    // The same fact as a producer on 1.1 would send it: an additive field the consumer ignores.
    const resent = { ...first, event_id: randomUUID(), version: '1.1' };
    (resent.payload as Record<string, unknown>).preemptible = true;
    const res = await postPush(
      app,
      REQUESTED,
      rawPushBody(JSON.stringify(resent), { event_type: REQUESTED }),
    );
    expect(res.status).toBe(204);
    expect(await applied(allocationId)).toBe(1);
    expect(metrics.snapshot()).toMatchObject({
      [`${REQUESTED}.provisioning-worker|duplicate|`]: 1,
    });
  });

  it('applies concurrent duplicates of a transactional handler once, every answer 204 or 503', async () => {
    const { app } = counting();
    const allocationId = `alloc-${randomUUID()}`;
    const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => postPush(app, REQUESTED, body)),
    );
    for (const res of answers) expect([204, 503]).toContain(res.status);
    expect((await postPush(app, REQUESTED, body)).status).toBe(204);
    expect(await applied(allocationId)).toBe(1);
    await expect.poll(() => activeFor(active.received, allocationId).length).toBe(1);
  });

  it('a transaction retried on contention re-runs the handler but stages its events once', async () => {
    let attempts = 0;
    const allocationId = `alloc-${randomUUID()}`;
    const { app } = consumer(bus, [
      countingSubscription({
        onAttempt: () => {
          attempts += 1;
        },
        // ABORTED is what Firestore answers a contended transaction; the client re-runs it.
        afterEmit: () => {
          if (attempts === 1) throw Object.assign(new Error('ABORTED: contention'), { code: 10 });
        },
      }),
    ]);
    const res = await postPush(
      app,
      REQUESTED,
      pushBody(event(REQUESTED, requestedPayload(allocationId))),
    );
    expect(res.status).toBe(204);
    expect(attempts).toBe(2);
    const entries = await bus.firestore
      .collection('outbox')
      .where('source', '==', dedupeRecordId('provisioning-worker', REQUESTED, [allocationId]))
      .get();
    expect(entries.size).toBe(1);
    expect(await applied(allocationId)).toBe(1);
    await expect.poll(() => activeFor(active.received, allocationId).length).toBe(1);
  });

  it('accepts the snake_case push form and a delivery attempt', async () => {
    const { app } = counting();
    const allocationId = `alloc-${randomUUID()}`;
    const body = pushBody(event(REQUESTED, requestedPayload(allocationId)), {
      snakeCase: true,
      deliveryAttempt: 3,
    });
    expect((await postPush(app, REQUESTED, body)).status).toBe(204);
    expect(await applied(allocationId)).toBe(1);
  });

  it('skips a replay aimed at another subscription and applies one aimed at this one', async () => {
    const { app } = counting();
    const other = `alloc-${randomUUID()}`;
    const mine = `alloc-${randomUUID()}`;
    const subscription = `${REQUESTED}.provisioning-worker`;
    const skipped = pushBody(event(REQUESTED, requestedPayload(other)), {
      subscription,
      attributes: { replay_target: `${REQUESTED}.someone-else` },
    });
    expect((await postPush(app, REQUESTED, skipped)).status).toBe(204);
    expect(await applied(other)).toBeUndefined();
    const targeted = pushBody(event(REQUESTED, requestedPayload(mine)), {
      subscription,
      attributes: { replay_target: subscription },
    });
    expect((await postPush(app, REQUESTED, targeted)).status).toBe(204);
    expect(await applied(mine)).toBe(1);
  });

  it('one interval spelled two ways is one key: applied once', async () => {
    const METERED = 'platform.billing.usage.metered';
    let charges = 0;
    const { app } = consumer(bus, [
      defineSubscription({
        consumer: 'billing-worker',
        eventType: METERED,
        handle() {
          charges += 1;
        },
      }),
    ]);
    const resource = `alloc-${randomUUID()}`;
    const spelled = (start: string) =>
      event(METERED, {
        ...examples[METERED],
        resource_id: resource,
        usage_event_id: `${resource}:${start}`,
        interval_start: start,
      });
    expect((await postPush(app, METERED, pushBody(spelled('2026-12-01T10:00:00Z')))).status).toBe(
      204,
    );
    expect(
      (await postPush(app, METERED, pushBody(spelled('2026-12-01T10:00:00.000Z')))).status,
    ).toBe(204);
    expect(charges).toBe(1);
  });

  it('logs each delivery with its event, subscription, attempt, outcome, duration and trace', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const { app } = consumer(
      bus,
      [countingSubscription()],
      {},
      {
        logger: createLogger({
          service: 'provisioning-worker',
          destination,
          projectId: bus.projectId,
        }),
      },
    );
    const incoming = event(REQUESTED, requestedPayload(`alloc-${randomUUID()}`));
    const trace = '105445aa7843bc8bf206b12000100000';
    const res = await postPush(
      app,
      REQUESTED,
      pushBody(incoming, { subscription: `${REQUESTED}.provisioning-worker`, deliveryAttempt: 2 }),
      { 'x-cloud-trace-context': `${trace}/1;o=1` },
    );
    expect(res.status).toBe(204);
    expect(lines.at(-1)).toMatchObject({
      severity: 'INFO',
      message: 'delivery acknowledged',
      event_id: incoming.event_id,
      event_type: REQUESTED,
      correlation_id: incoming.correlation_id,
      subscription: `${REQUESTED}.provisioning-worker`,
      delivery_attempt: 2,
      outcome: 'processed',
      duration_ms: expect.any(Number),
      'logging.googleapis.com/trace': `projects/${bus.projectId}/traces/${trace}`,
    });
  });

  it('counts outcomes per subscription and reason', async () => {
    const { app, metrics } = counting();
    const allocationId = `alloc-${randomUUID()}`;
    const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
    await postPush(app, REQUESTED, body);
    await postPush(app, REQUESTED, body);
    await postPush(app, REQUESTED, rawPushBody('{nope', {}));
    expect(metrics.snapshot()).toEqual({
      [`${REQUESTED}.provisioning-worker|processed|`]: 1,
      [`${REQUESTED}.provisioning-worker|duplicate|`]: 1,
      [`${REQUESTED}.provisioning-worker|dead_lettered|not_json`]: 1,
    });
  });
});
