// The platform's path end to end on the emulators: the bus derived from the catalog, services on
// the eventing runtime (several consumers per service, under the services table's base paths),
// Pub/Sub push between them, dead letters archived.
import { randomUUID } from 'node:crypto';
import { CONSUMERS, type ConsumerName, examples } from '@gpuaas/contracts';
import {
  definePushReceiver,
  defineSubscription,
  type HandlerContext,
  type PushMessage,
} from '@gpuaas/eventing';
import { TestBus } from '@gpuaas/eventing/testing';
import { waitFor } from '@gpuaas/testkit';
import { apply, deriveBus, localSettingsAt } from '@gpuaas/topology';
import { archivePushPath, pushBasePaths } from '@gpuaas/topology/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REQUESTED = 'gpuaas.provisioning.requested';
const ACTIVE = 'gpuaas.provisioning.active';
const CREDITED = 'platform.payments.balance_credited';
const RECONCILE = 'platform.payments.reconcile_failed';
const FAILED = 'gpuaas.provisioning.failed';

describe('end to end on the emulators', () => {
  let bus: TestBus;
  /** What the replay stand-in's archive receivers took, as Pub/Sub pushed it. */
  const archived: { consumer: ConsumerName; path: string; message: PushMessage }[] = [];
  /** Counts an application inside the delivery transaction, so a retried attempt counts once. */
  const applied = async (ctx: HandlerContext, consumer: string, key: string) => {
    const ref = ctx.firestore.collection('applied').doc(`${consumer}:${key}`);
    const snap = await ctx.tx.get(ref);
    ctx.tx.set(ref, { count: ((snap.get('count') as number) ?? 0) + 1 });
  };
  const appliedCount = async (consumer: string, key: string) =>
    ((await bus.firestore.collection('applied').doc(`${consumer}:${key}`).get()).get('count') as
      | number
      | undefined) ?? 0;

  beforeAll(async () => {
    bus = await TestBus.start('e2e');
    const provisioning = await bus.serve(
      {
        config: bus.config('provisioning-worker'),
        basePaths: pushBasePaths('provisioning-worker'),
        subscriptions: [
          defineSubscription({
            consumer: 'provisioning-worker',
            eventType: REQUESTED,
            async handle(event, ctx) {
              const ref = ctx.firestore.collection('allocations').doc(event.payload.allocation_id);
              const snap = await ctx.tx.get(ref);
              ctx.tx.set(ref, {
                state: 'active',
                applied: ((snap.get('applied') as number) ?? 0) + 1,
              });
              ctx.emit(ACTIVE, {
                ...examples[ACTIVE],
                allocation_id: event.payload.allocation_id,
                user_id: event.payload.user_id,
              });
            },
          }),
        ],
      },
      false,
    );
    // One service, two consumers: billing-worker and billing-read-model.
    const billing = await bus.serve(
      {
        config: bus.config('billing-worker'),
        basePaths: pushBasePaths('billing-worker'),
        subscriptions: [
          defineSubscription({
            consumer: 'billing-worker',
            eventType: ACTIVE,
            handle(event, ctx) {
              ctx.tx.set(
                ctx.firestore.collection('usage_windows').doc(event.payload.allocation_id),
                {
                  started_at: event.payload.started_at,
                  caused_by: ctx.delivery.idempotencyKey,
                },
              );
            },
          }),
          defineSubscription({
            consumer: 'billing-read-model',
            eventType: CREDITED,
            handle: (event, ctx) =>
              applied(ctx, 'billing-read-model', event.payload.stripe_event_id),
          }),
        ],
      },
      false,
    );
    // One service, two consumers of one event type: ops under /ops, from the services table.
    const relay = await bus.serve(
      {
        config: bus.config('notification-relay'),
        basePaths: pushBasePaths('notification-relay'),
        subscriptions: [
          defineSubscription({
            consumer: 'notification-relay',
            eventType: ACTIVE,
            handle: (event, ctx) => applied(ctx, 'notification-relay', event.payload.allocation_id),
          }),
          defineSubscription({
            consumer: 'notification-relay',
            eventType: RECONCILE,
            handle: (event, ctx) =>
              applied(ctx, 'notification-relay', event.payload.stripe_event_id),
          }),
          defineSubscription({
            consumer: 'ops',
            eventType: RECONCILE,
            handle: (event, ctx) => applied(ctx, 'ops', event.payload.stripe_event_id),
          }),
        ],
      },
      false,
    );
    // The orchestrator's read model: one consumer under the orchestrator's base path.
    const orchestrator = await bus.serve(
      {
        config: bus.config('orchestrator'),
        basePaths: pushBasePaths('orchestrator'),
        subscriptions: [
          defineSubscription({
            consumer: 'api-read-model',
            eventType: FAILED,
            handle: (event, ctx) => applied(ctx, 'api-read-model', event.payload.allocation_id),
          }),
        ],
      },
      false,
    );
    // The replay app's archive: raw push receivers, one per consumer's dead-letter topic.
    const replay = await bus.serve(
      {
        config: bus.config('replay'),
        receivers: CONSUMERS.map((consumer) =>
          definePushReceiver({
            path: archivePushPath(consumer),
            async receive(message) {
              archived.push({ consumer, path: archivePushPath(consumer), message });
              return 'ack';
            },
          }),
        ),
      },
      false,
    );
    const settings = localSettingsAt({
      orchestrator: orchestrator.url,
      replay: replay.url,
      'provisioning-worker': provisioning.url,
      'billing-worker': billing.url,
      'notification-relay': relay.url,
    });
    const result = await apply(bus.pubsub, deriveBus(settings));
    expect(result.unresolved).toEqual([]);
  });

  afterAll(async () => {
    await bus?.close();
  });

  it('carries a request through provisioning to billing and the notification relay, once', async () => {
    const allocationId = `alloc-${randomUUID()}`;
    const payload = { ...examples[REQUESTED], allocation_id: allocationId };
    await bus.publish(REQUESTED, payload, {
      correlationId: `e2e-${allocationId}`,
      producer: 'orchestrator',
    });

    const usage = bus.firestore.collection('usage_windows').doc(allocationId);
    await waitFor(async () => (await usage.get()).exists, { timeoutMs: 30_000 });
    expect((await usage.get()).get('caused_by')).toBe(
      `${allocationId}:${examples[ACTIVE].started_at}`,
    );
    await waitFor(async () => (await appliedCount('notification-relay', allocationId)) > 0, {
      timeoutMs: 30_000,
    });

    // The orchestrator publishes the same request again (a retry): nothing happens twice.
    await bus.publish(REQUESTED, payload, {
      correlationId: `e2e-${allocationId}`,
      producer: 'orchestrator',
    });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const allocation = await bus.firestore.collection('allocations').doc(allocationId).get();
    expect(allocation.get('applied')).toBe(1);
    expect(await appliedCount('notification-relay', allocationId)).toBe(1);
  });

  it('delivers one event type to two consumers of one service, each once', async () => {
    const stripeEventId = `evt_${randomUUID().replaceAll('-', '')}`;
    const failed = { ...examples[RECONCILE], stripe_event_id: stripeEventId };
    await bus.publish(RECONCILE, failed, { producer: 'payments' });
    await bus.publish(RECONCILE, failed, { producer: 'payments' });
    await waitFor(
      async () =>
        (await appliedCount('notification-relay', stripeEventId)) > 0 &&
        (await appliedCount('ops', stripeEventId)) > 0,
      { timeoutMs: 30_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await appliedCount('notification-relay', stripeEventId)).toBe(1);
    expect(await appliedCount('ops', stripeEventId)).toBe(1);
  });

  it("delivers a failed provisioning to the orchestrator's read model, once", async () => {
    const allocationId = `alloc-${randomUUID()}`;
    const failed = { ...examples[FAILED], allocation_id: allocationId };
    await bus.publish(FAILED, failed, { producer: 'provisioning-worker' });
    await bus.publish(FAILED, failed, { producer: 'provisioning-worker' });
    await waitFor(async () => (await appliedCount('api-read-model', allocationId)) > 0, {
      timeoutMs: 30_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await appliedCount('api-read-model', allocationId)).toBe(1);
  });

  it('archives a poison event in the replay app with its reason and original data', async () => {
    const poison = JSON.stringify({ event_id: randomUUID(), event_type: REQUESTED, payload: {} });
    const marker = randomUUID();
    await bus.pubsub
      .topic(REQUESTED)
      .publishMessage({ data: Buffer.from(poison), attributes: { marker } });

    const archive = () => archived.find((a) => a.message.attributes.marker === marker);
    await waitFor(() => archive(), { timeoutMs: 30_000 });
    const letter = archive();
    expect(letter?.consumer).toBe('provisioning-worker');
    expect(letter?.path).toBe('/push/dead-letter/provisioning-worker');
    // The original bytes, untouched.
    expect(Buffer.from(letter?.message.dataBase64 ?? '', 'base64').toString()).toBe(poison);
    expect(letter?.message.attributes).toMatchObject({
      dlq_reason: 'envelope_invalid',
      source_subscription: `${REQUESTED}.provisioning-worker`,
    });
  });
});
