import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Firestore } from '@google-cloud/firestore';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dedupeRecordId } from '../src/idempotency/record-key';
import { createLogger } from '../src/logger';
import { createPushApp } from '../src/push/push-app';
import { ACTIVE, countingSubscription, REQUESTED, requestedPayload } from './fixtures';
import { event, Harness, post, pushBody, type TopicTap } from './harness';

describe('push consumer: processing and duplicates', () => {
  let h: Harness;
  let active: TopicTap;
  const consumer = () => h.consumer([countingSubscription()]);

  beforeAll(async () => {
    h = await Harness.init();
    await h.createTopics('provisioning-worker.dlq');
    active = await h.tap(ACTIVE);
  });
  afterAll(() => h.close());

  const applied = async (allocationId: string) =>
    (await h.firestore.collection('allocations').doc(allocationId).get()).get('applied');

  it('applies a new event, commits its emitted event and publishes it with causation', async () => {
    const { app } = consumer();
    const allocationId = `alloc-${randomUUID()}`;
    const incoming = event(REQUESTED, requestedPayload(allocationId));
    const res = await post(app, REQUESTED, pushBody(incoming));
    expect(res.status).toBe(204);
    expect(await applied(allocationId)).toBe(1);

    await active.waitForCount(1);
    const out = active.received.find(
      (m) => JSON.parse(m.data).payload.allocation_id === allocationId,
    );
    expect(out?.attributes).toMatchObject({
      event_type: ACTIVE,
      version: '1.0',
      correlation_id: incoming.correlation_id,
      causation_id: incoming.event_id,
      producer: 'test-service',
    });
    const envelope = JSON.parse(out?.data ?? '{}');
    expect(out?.attributes.event_id).toBe(envelope.event_id);
    expect(out?.attributes.idempotency_key).toBe(`${allocationId}:${envelope.payload.started_at}`);

    const outbox = await h.firestore.collection('outbox').doc(envelope.event_id).get();
    expect(outbox.get('pending')).toBeUndefined();
    expect(outbox.get('published_at')).not.toBeNull();
  });

  it('answers 204 to the same message twice and applies it once', async () => {
    const { app } = consumer();
    const allocationId = `alloc-${randomUUID()}`;
    const body = pushBody(event(REQUESTED, requestedPayload(allocationId)), { messageId: '42' });
    expect((await post(app, REQUESTED, body)).status).toBe(204);
    expect((await post(app, REQUESTED, body)).status).toBe(204);
    expect(await applied(allocationId)).toBe(1);

    const record = await h.firestore
      .collection('idempotency_records')
      .doc(dedupeRecordId('provisioning-worker', REQUESTED, [allocationId]))
      .get();
    expect(record.data()).toMatchObject({ state: 'completed', idempotency_key: allocationId });
    // The TTL field outlives any replay window: 14 days by default.
    const ttlDays = (record.get('expire_at').toMillis() - Date.now()) / 86_400_000;
    expect(ttlDays).toBeGreaterThan(13.9);
    expect(ttlDays).toBeLessThanOrEqual(14);
  });

  it('treats the same idempotency key under a new event_id as a duplicate', async () => {
    const { app } = consumer();
    const allocationId = `alloc-${randomUUID()}`;
    const payload = requestedPayload(allocationId);
    expect((await post(app, REQUESTED, pushBody(event(REQUESTED, payload)))).status).toBe(204);
    expect((await post(app, REQUESTED, pushBody(event(REQUESTED, payload)))).status).toBe(204);
    expect(await applied(allocationId)).toBe(1);
  });

  it('applies concurrent duplicates of a transactional handler once, both acknowledged', async () => {
    const { app } = consumer();
    const allocationId = `alloc-${randomUUID()}`;
    const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(app, REQUESTED, body)));
    // Each answer is 204 (done or duplicate) or 503 (contention, retried by Pub/Sub): never lost.
    for (const res of answers) expect([204, 503]).toContain(res.status);
    expect((await post(app, REQUESTED, body)).status).toBe(204);
    expect(await applied(allocationId)).toBe(1);
  });

  it('accepts the snake_case push form and a delivery attempt', async () => {
    const { app } = consumer();
    const allocationId = `alloc-${randomUUID()}`;
    const body = pushBody(event(REQUESTED, requestedPayload(allocationId)), {
      snakeCase: true,
      deliveryAttempt: 3,
    });
    expect((await post(app, REQUESTED, body)).status).toBe(204);
    expect(await applied(allocationId)).toBe(1);
  });

  it('skips a replay aimed at another subscription and applies one aimed at this one', async () => {
    const { app } = consumer();
    const other = `alloc-${randomUUID()}`;
    const mine = `alloc-${randomUUID()}`;
    const subscription = `${REQUESTED}.provisioning-worker`;
    const skipped = pushBody(event(REQUESTED, requestedPayload(other)), {
      subscription,
      attributes: { replay_target: `${REQUESTED}.someone-else` },
    });
    expect((await post(app, REQUESTED, skipped)).status).toBe(204);
    expect(await applied(other)).toBeUndefined();
    const targeted = pushBody(event(REQUESTED, requestedPayload(mine)), {
      subscription,
      attributes: { replay_target: subscription },
    });
    expect((await post(app, REQUESTED, targeted)).status).toBe(204);
    expect(await applied(mine)).toBe(1);
  });

  it('logs each delivery with its event, subscription, attempt, outcome, duration and trace', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const { app } = h.consumer([countingSubscription()], {
      logger: createLogger({ service: 'provisioning-worker', destination }),
    });
    const incoming = event(REQUESTED, requestedPayload(`alloc-${randomUUID()}`));
    const trace = '105445aa7843bc8bf206b12000100000';
    const res = await app.request(`/push/${REQUESTED}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cloud-trace-context': `${trace}/1;o=1` },
      body: JSON.stringify(
        pushBody(incoming, {
          subscription: `${REQUESTED}.provisioning-worker`,
          deliveryAttempt: 2,
        }),
      ),
    });
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
      'logging.googleapis.com/trace': `projects/${h.projectId}/traces/${trace}`,
    });
  });

  it('serves health and readiness probes', async () => {
    const { app } = consumer();
    expect((await app.request('/healthz')).status).toBe(200);
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('reports not ready while Firestore is unreachable', async () => {
    const emulatorHost = process.env.FIRESTORE_EMULATOR_HOST;
    // The client lets the env var override an explicit host; lift it for this one client.
    delete process.env.FIRESTORE_EMULATOR_HOST;
    const unreachable = new Firestore({
      projectId: h.projectId,
      host: '127.0.0.1:9',
      ssl: false,
      credentials: { client_email: 'x@example.com', private_key: 'unused' },
    });
    process.env.FIRESTORE_EMULATOR_HOST = emulatorHost;
    const app = createPushApp({
      subscriptions: [countingSubscription()],
      deliver: async () => ({ status: 204, outcome: 'processed' }),
      firestore: unreachable,
      logger: pino({ level: 'silent' }),
      projectId: h.projectId,
      verifyToken: false,
    });
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable' });
    // Not awaited: termination waits out the probe's pending read against a closed port.
    void unreachable.terminate();
  });
});
