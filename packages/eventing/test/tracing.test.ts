// One trace from an HTTP call through two push hops, across an outbox sweep; a replay in a new
// trace linked to the original.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { examples } from '@gpuaas/contracts';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger';
import { createPublisher, type Publisher } from '../src/publisher';
import { defineSubscription } from '../src/subscription';
import { TestBus } from '../src/testing/test-bus';
import { startTracing, type Tracing } from '../src/tracing/start-tracing';
import { ACTIVE, REQUESTED, requestedPayload } from './fixtures';

describe('tracing across services', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let bus: TestBus;
  let api: string;
  let failActive = false;
  const consumerLog: Record<string, unknown>[] = [];

  const spans = () => exporter.getFinishedSpans();
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  const named = (name: string, traceId: string) =>
    spans().filter((s) => s.name === name && s.spanContext().traceId === traceId);
  const one = async (name: string, traceId: string) => {
    await expect.poll(() => named(name, traceId).length, { timeout: 20_000 }).toBeGreaterThan(0);
    return named(name, traceId)[0] as ReadableSpan;
  };

  beforeAll(async () => {
    tracing = await startTracing({ service: 'test', projectId: 'p', mode: 'console', exporter });
    bus = await TestBus.start('evt-trace');
    await bus.createTopics('provisioning-worker.dlq', 'billing-worker.dlq');
    // The orchestrator: an HTTP route that commits and emits through the producer outbox.
    const orchestrator = await bus.serve(
      {
        config: bus.config('orchestrator'),
        api: (runtime) =>
          new Hono().post('/v1/allocations', async (c) => {
            const id = `alloc-${randomUUID()}`;
            await runtime.producer.transact(
              async (tx, emit) => {
                tx.set(runtime.firestore.collection('allocations').doc(id), {
                  status: 'requested',
                });
                emit(REQUESTED, requestedPayload(id));
              },
              { correlationId: `http-${id}` },
            );
            return c.json({ allocation_id: id }, 202);
          }),
      },
      false,
    );
    api = orchestrator.url;
    const failing = (publisher: Publisher): Publisher => ({
      ...publisher,
      send: (message) =>
        failActive && message.topic === ACTIVE
          ? Promise.reject(new Error('UNAVAILABLE'))
          : publisher.send(message),
    });
    await bus.serve({
      config: bus.config('provisioning-worker'),
      wrapPublisher: failing,
      subscriptions: [
        defineSubscription({
          consumer: 'provisioning-worker',
          eventType: REQUESTED,
          handle(event, ctx) {
            ctx.emit(ACTIVE, {
              ...examples[ACTIVE],
              allocation_id: event.payload.allocation_id,
              user_id: event.payload.user_id,
            });
          },
        }),
      ],
    });
    await bus.serve({
      config: bus.config('billing-worker'),
      logger: createLogger({
        service: 'billing-worker',
        projectId: bus.projectId,
        destination: new Writable({
          write(chunk, _encoding, done) {
            consumerLog.push(JSON.parse(chunk.toString()));
            done();
          },
        }),
      }),
      subscriptions: [
        defineSubscription({ consumer: 'billing-worker', eventType: ACTIVE, handle() {} }),
      ],
    });
  });
  afterAll(async () => {
    await bus.close();
    await tracing.shutdown();
  });

  const call = async () => {
    const clientTrace = randomUUID().replaceAll('-', '');
    const clientSpan = randomUUID().replaceAll('-', '').slice(0, 16);
    const res = await fetch(`${api}/v1/allocations`, {
      method: 'POST',
      headers: { traceparent: `00-${clientTrace}-${clientSpan}-01` },
    });
    expect(res.status).toBe(202);
    return { traceId: clientTrace, clientSpan };
  };

  it('follows an HTTP call through two push hops in one trace, parent by parent', async () => {
    const { traceId, clientSpan } = await call();
    const http = await one('HTTP POST', traceId);
    expect(parentOf(http)).toBe(clientSpan);
    // Emitted inside the producer's transaction, published by its relay after commit.
    const publishRequested = await one(`publish ${REQUESTED}`, traceId);
    const produced = spans().find((s) => s.spanContext().spanId === parentOf(publishRequested));
    expect(produced?.name).toBe('firestore.transaction');
    expect(produced && parentOf(produced)).toBe(http.spanContext().spanId);
    const relay = await one('outbox.relay', traceId);
    expect(parentOf(relay)).toBe(http.spanContext().spanId);
    const deliverRequested = await one(`deliver ${REQUESTED}.provisioning-worker`, traceId);
    expect(parentOf(deliverRequested)).toBe(publishRequested.spanContext().spanId);
    const handle = await one(`handle ${REQUESTED}`, traceId);
    const transaction = spans().find((s) => s.spanContext().spanId === parentOf(handle));
    expect(transaction?.name).toBe('firestore.transaction');
    expect(transaction && parentOf(transaction)).toBe(deliverRequested.spanContext().spanId);
    const publishActive = await one(`publish ${ACTIVE}`, traceId);
    expect(parentOf(publishActive)).toBe(handle.spanContext().spanId);
    const deliverActive = await one(`deliver ${ACTIVE}.billing-worker`, traceId);
    expect(parentOf(deliverActive)).toBe(publishActive.spanContext().spanId);
    // The consumer's log line of that delivery groups under the same trace.
    await expect
      .poll(() =>
        consumerLog.find(
          (line) =>
            line['logging.googleapis.com/trace'] === `projects/${bus.projectId}/traces/${traceId}`,
        ),
      )
      .toMatchObject({ 'logging.googleapis.com/spanId': deliverActive.spanContext().spanId });
  });

  it('keeps the trace across an outbox sweep after a failed publish', async () => {
    // The worker's own publishes of `active` fail; another instance's sweep publishes them.
    failActive = true;
    try {
      const { traceId } = await call();
      const handle = await one(`handle ${REQUESTED}`, traceId);
      await expect
        .poll(() => named('outbox.relay', traceId).some((s) => s.status.code === 2), {
          timeout: 20_000,
        })
        .toBe(true);
      const sweeper = bus.create({ config: bus.config('provisioning-worker') });
      await expect
        .poll(
          async () =>
            (
              (await (
                await sweeper.app.request('/tasks/outbox-sweep', { method: 'POST' })
              ).json()) as { published: number }
            ).published,
          { timeout: 10_000 },
        )
        .toBeGreaterThan(0);
      const deliverActive = await one(`deliver ${ACTIVE}.billing-worker`, traceId);
      const publish = spans().find((s) => s.spanContext().spanId === parentOf(deliverActive));
      expect(publish?.name).toBe(`publish ${ACTIVE}`);
      expect(publish && parentOf(publish)).toBe(handle.spanContext().spanId);
    } finally {
      failActive = false;
    }
  });

  it('publishes a replay in a new trace linked to the original; its delivery continues it', async () => {
    const { traceId } = await call();
    const original = await one(`deliver ${ACTIVE}.billing-worker`, traceId);
    // As the replay app sends a dead letter: its original attributes, stamped as a replay.
    const replayer = createPublisher({ pubsub: bus.pubsub, producer: 'replay' });
    await replayer.send({
      topic: ACTIVE,
      data: Buffer.from(JSON.stringify(createEvent())),
      attributes: {
        event_type: ACTIVE,
        traceparent: `00-${traceId}-${parentOf(original)}-01`,
        replay_id: 'replay-1',
        replay_target: `${ACTIVE}.billing-worker`,
      },
    });
    await expect
      .poll(() => spans().find((s) => s.attributes['gpuaas.replay_id'] === 'replay-1'), {
        timeout: 20_000,
      })
      .toBeDefined();
    const replayed = spans().find(
      (s) => s.attributes['gpuaas.replay_id'] === 'replay-1',
    ) as ReadableSpan;
    const publish = spans().find((s) => s.spanContext().spanId === parentOf(replayed));
    expect(publish?.name).toBe(`publish ${ACTIVE}`);
    expect(replayed.spanContext().traceId).not.toBe(traceId);
    expect(publish?.spanContext().traceId).toBe(replayed.spanContext().traceId);
    expect(publish?.parentSpanContext).toBeUndefined();
    expect(publish?.links.map((l) => l.context.traceId)).toEqual([traceId]);
  });
});

function createEvent() {
  return {
    event_id: randomUUID(),
    event_type: ACTIVE,
    occurred_at: new Date().toISOString(),
    version: '1.0',
    correlation_id: 'replay',
    payload: { ...examples[ACTIVE], allocation_id: `alloc-${randomUUID()}` },
  };
}
