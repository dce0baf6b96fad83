import { randomUUID } from 'node:crypto';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnpublishableEventError } from '../src/errors';
import { createDeliveryMetrics } from '../src/metrics';
import type { Publisher } from '../src/publisher';
import { event, postPush, pushBody, rawPushBody } from '../src/testing/push-bodies';
import { TestBus } from '../src/testing/test-bus';
import type { TopicTap } from '../src/testing/topic-tap';
import { ACTIVE, countingSubscription, DLQ, REQUESTED, requestedPayload } from './fixtures';

describe('producer outbox: transact outside a delivery', () => {
  let bus: TestBus;
  let requested: TopicTap;

  beforeAll(async () => {
    bus = await TestBus.start('evt-prod');
    await bus.createTopics(DLQ, ACTIVE);
    requested = await bus.tap(REQUESTED);
  });
  afterAll(() => bus.close());

  const orchestrator = (
    wrapPublisher?: (p: Publisher) => Publisher,
    env: Record<string, string> = {},
  ) => bus.create({ config: bus.config('orchestrator', env), wrapPublisher });
  const allocation = (id: string) => bus.firestore.collection('allocations').doc(id);

  it('commits the state and its events together, publishes after commit with the given causality', async () => {
    const { producer } = orchestrator();
    const id = `alloc-${randomUUID()}`;
    const { result, emitted, published } = await producer.transact(
      async (tx, emit) => {
        const ref = allocation(id);
        const snap = await tx.get(ref);
        const out = emit(REQUESTED, requestedPayload(id));
        tx.set(ref, { status: 'requested', existed: snap.exists, event_id: out.event_id });
        return out;
      },
      { correlationId: `req-${id}`, causationId: 'http-request-1' },
    );
    expect(published).toBe(true);
    expect(emitted).toEqual([result.event_id]);
    expect(result.idempotency_key).toBe(id);
    expect((await allocation(id).get()).get('event_id')).toBe(result.event_id);
    const message = await requested.waitFor((m) => m.attributes.event_id === result.event_id);
    expect(message.attributes).toMatchObject({
      correlation_id: `req-${id}`,
      causation_id: 'http-request-1',
      producer: 'orchestrator',
    });
  });

  it('a failing body commits neither the state nor the events', async () => {
    const { producer } = orchestrator();
    const id = `alloc-${randomUUID()}`;
    await expect(
      producer.transact(
        async (tx, emit) => {
          emit(REQUESTED, requestedPayload(id));
          tx.set(allocation(id), { status: 'requested' });
          throw new Error('price book unavailable');
        },
        { correlationId: 'c' },
      ),
    ).rejects.toThrow('price book unavailable');
    expect((await allocation(id).get()).exists).toBe(false);
    const entries = await bus.firestore.collection('outbox').where('topic', '==', REQUESTED).get();
    expect(entries.docs.filter((d) => d.data().data.toString().includes(id))).toHaveLength(0);
  });

  it('refuses an event Pub/Sub would refuse before anything commits', async () => {
    const { producer } = orchestrator();
    const id = `alloc-${randomUUID()}`;
    await expect(
      producer.transact(
        async (tx, emit) => {
          tx.set(allocation(id), { status: 'requested' });
          emit(REQUESTED, { ...requestedPayload(id), allocation_id: 'x'.repeat(1100) });
        },
        { correlationId: 'c' },
      ),
    ).rejects.toThrow(UnpublishableEventError);
    expect((await allocation(id).get()).exists).toBe(false);
  });

  it('a publish that fails after commit leaves the event to the sweep, which publishes it once', async () => {
    const down = (publisher: Publisher): Publisher => ({
      ...publisher,
      send: (message) =>
        message.topic === REQUESTED
          ? Promise.reject(new Error('UNAVAILABLE'))
          : publisher.send(message),
    });
    const { producer } = orchestrator(down);
    const id = `alloc-${randomUUID()}`;
    const { result, published } = await producer.transact(
      async (tx, emit) => {
        tx.set(allocation(id), { status: 'requested' });
        return emit(REQUESTED, requestedPayload(id));
      },
      { correlationId: 'c' },
    );
    expect(published).toBe(false);
    expect((await allocation(id).get()).get('status')).toBe('requested');
    // The orchestrator's sweep (its own entries only) re-drives it.
    const sweep = await orchestrator().app.request('/tasks/outbox-sweep', { method: 'POST' });
    expect(await sweep.json()).toMatchObject({ published: 1, failed: 0 });
    await requested.waitFor((m) => m.attributes.event_id === result.event_id);
    expect(
      await (await orchestrator().app.request('/tasks/outbox-sweep', { method: 'POST' })).json(),
    ).toMatchObject({ published: 0 });
    expect(requested.where((m) => m.attributes.event_id === result.event_id)).toHaveLength(1);
  });

  it('answers the caller once committed when the publish hangs, and the publish still goes once', async () => {
    let recover: () => void = () => undefined;
    const recovered = new Promise<void>((resolve) => {
      recover = resolve;
    });
    // Pub/Sub unreachable: the client retries (for minutes) until the emulator is back.
    const hanging = (publisher: Publisher): Publisher => ({
      ...publisher,
      send: (message) =>
        message.topic === REQUESTED
          ? recovered.then(() => publisher.send(message))
          : publisher.send(message),
    });
    const { producer } = orchestrator(hanging);
    const id = `alloc-${randomUUID()}`;
    const started = Date.now();
    const { result, published } = await producer.transact(
      async (tx, emit) => {
        tx.set(allocation(id), { status: 'requested' });
        return emit(REQUESTED, requestedPayload(id));
      },
      { correlationId: 'c' },
    );
    const waited = Date.now() - started;
    expect(published).toBe(false);
    expect(waited).toBeGreaterThanOrEqual(4_900);
    expect(waited).toBeLessThan(30_000);
    expect((await allocation(id).get()).get('status')).toBe('requested');
    expect(requested.where((m) => m.attributes.event_id === result.event_id)).toHaveLength(0);

    recover();
    await requested.waitFor((m) => m.attributes.event_id === result.event_id);
    await expect
      .poll(async () =>
        (await bus.firestore.collection('outbox').doc(result.event_id).get()).get('published_at'),
      )
      .not.toBeNull();
    expect(
      await (await orchestrator().app.request('/tasks/outbox-sweep', { method: 'POST' })).json(),
    ).toMatchObject({ published: 0 });
    expect(requested.where((m) => m.attributes.event_id === result.event_id)).toHaveLength(1);
  });

  it('a transaction retried on contention stages the events of its last attempt only', async () => {
    const { producer } = orchestrator();
    const id = `alloc-${randomUUID()}`;
    let attempts = 0;
    const { result } = await producer.transact(
      async (tx, emit) => {
        attempts += 1;
        const out = emit(REQUESTED, requestedPayload(id));
        tx.set(allocation(id), { status: 'requested', attempts });
        if (attempts === 1) throw Object.assign(new Error('ABORTED'), { code: 10 });
        return out;
      },
      { correlationId: 'c' },
    );
    expect(attempts).toBe(2);
    await requested.waitFor((m) => m.attributes.event_id === result.event_id);
    await new Promise((r) => setTimeout(r, 300));
    expect(requested.where((m) => m.json?.payload?.allocation_id === id)).toHaveLength(1);
  });
});

describe('delivery metrics as OpenTelemetry', () => {
  it('counts each delivery under subscription, outcome and reason', async () => {
    const bus = await TestBus.start('evt-otel');
    try {
      await bus.createTopics(DLQ, ACTIVE);
      const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
      const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
      const provider = new MeterProvider({ readers: [reader] });
      const service = bus.create({
        config: bus.config('provisioning-worker'),
        subscriptions: [countingSubscription()],
        metrics: createDeliveryMetrics(provider.getMeter('test')),
      });
      const body = pushBody(event(REQUESTED, requestedPayload(`alloc-${randomUUID()}`)));
      await postPush(service.app, REQUESTED, body);
      await postPush(service.app, REQUESTED, body);
      await postPush(service.app, REQUESTED, rawPushBody('nope', {}));
      await reader.forceFlush();
      const points = exporter
        .getMetrics()
        .flatMap((m) => m.scopeMetrics)
        .flatMap((s) => s.metrics)
        .filter((m) => m.descriptor.name === 'eventing.deliveries')
        .flatMap((m) => m.dataPoints as { attributes: object; value: unknown }[])
        .map((p) => ({ ...p.attributes, value: p.value }));
      const subscription = `${REQUESTED}.provisioning-worker`;
      expect(points).toEqual(
        expect.arrayContaining([
          {
            subscription,
            consumer: 'provisioning-worker',
            outcome: 'processed',
            reason: '',
            value: 1,
          },
          {
            subscription,
            consumer: 'provisioning-worker',
            outcome: 'duplicate',
            reason: '',
            value: 1,
          },
          {
            subscription,
            consumer: 'provisioning-worker',
            outcome: 'dead_lettered',
            reason: 'not_json',
            value: 1,
          },
        ]),
      );
      await provider.shutdown();
    } finally {
      await bus.close();
    }
  });
});
