// The platform's path end to end on the emulators: the bus derived from the catalog, real
// consumer services on the eventing runtime, Pub/Sub push between them, dead letters archived.
import { randomUUID } from 'node:crypto';
import { CONSUMERS, type ConsumerName, examples } from '@gpuaas/contracts';
import {
  type ConsumerService,
  createConsumerService,
  createPublisher,
  defineSubscription,
  loadConfig,
} from '@gpuaas/eventing';
import {
  firestoreClient,
  type PushReceivers,
  pubsubClient,
  startPushReceivers,
  uniqueProjectId,
  waitFor,
} from '@gpuaas/testkit';
import { apply, deriveBus, localSettingsAt } from '@gpuaas/topology';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REQUESTED = 'gpuaas.provisioning.requested';
const ACTIVE = 'gpuaas.provisioning.active';

describe('end to end on the emulators', () => {
  const projectId = uniqueProjectId('e2e');
  const pubsub = pubsubClient(projectId);
  const firestore = firestoreClient(projectId);
  const services: ConsumerService[] = [];
  // Stand-ins for the apps not under test, and for the replay app's archive endpoint.
  let stubs: PushReceivers;

  const service = async (
    name: string,
    subscriptions: Parameters<typeof createConsumerService>[0]['subscriptions'],
  ) => {
    const created = createConsumerService({
      config: loadConfig({
        SERVICE_NAME: name,
        GCP_PROJECT_ID: projectId,
        PUSH_AUTH: 'off',
        PORT: '0',
      }),
      subscriptions,
      firestore: firestoreClient(projectId),
      pubsub: pubsubClient(projectId),
      logger: pino({ level: 'silent' }),
    });
    services.push(created);
    return `http://127.0.0.1:${await created.listen()}`;
  };

  beforeAll(async () => {
    const provisioning = await service('provisioning-worker', [
      defineSubscription({
        consumer: 'provisioning-worker',
        eventType: REQUESTED,
        async handle(event, ctx) {
          const ref = ctx.firestore.collection('allocations').doc(event.payload.allocation_id);
          const snap = await ctx.tx.get(ref);
          ctx.tx.set(ref, { state: 'active', applied: ((snap.get('applied') as number) ?? 0) + 1 });
          ctx.emit(ACTIVE, {
            ...examples[ACTIVE],
            allocation_id: event.payload.allocation_id,
            user_id: event.payload.user_id,
          });
        },
      }),
    ]);
    const billing = await service('billing-worker', [
      defineSubscription({
        consumer: 'billing-worker',
        eventType: ACTIVE,
        handle(event, ctx) {
          ctx.tx.set(ctx.firestore.collection('usage_windows').doc(event.payload.allocation_id), {
            started_at: event.payload.started_at,
            caused_by: ctx.delivery.idempotencyKey,
          });
        },
      }),
    ]);
    const urls: Partial<Record<ConsumerName, string>> = {
      'provisioning-worker': provisioning,
      'billing-worker': billing,
    };
    const stubbed = CONSUMERS.filter((consumer) => urls[consumer] === undefined);
    stubs = await startPushReceivers([...stubbed, 'replay']);
    const settings = localSettingsAt({ ...stubs.urls, ...urls });
    const result = await apply(pubsub, deriveBus(settings));
    expect(result.unresolved).toEqual([]);
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.shutdown()));
    await stubs?.close();
    await pubsub.close();
    await firestore.terminate();
  });

  it('carries a request through provisioning to billing and the notification relay, once', async () => {
    const publisher = createPublisher({ pubsub, producer: 'orchestrator' });
    const allocationId = `alloc-${randomUUID()}`;
    const payload = { ...examples[REQUESTED], allocation_id: allocationId };
    await publisher.publish(REQUESTED, payload, { correlationId: `e2e-${allocationId}` });

    const usage = firestore.collection('usage_windows').doc(allocationId);
    await waitFor(async () => (await usage.get()).exists, { timeoutMs: 30_000 });
    expect((await usage.get()).get('caused_by')).toBe(
      `${allocationId}:${examples[ACTIVE].started_at}`,
    );
    const relayed = () =>
      stubs.deliveries.filter(
        (d) =>
          d.receiver === 'notification-relay' &&
          d.path === `/push/${ACTIVE}` &&
          d.data.includes(allocationId),
      );
    await waitFor(() => relayed().length > 0, { timeoutMs: 30_000 });
    expect(relayed()[0]?.attributes).toMatchObject({
      event_type: ACTIVE,
      correlation_id: `e2e-${allocationId}`,
      producer: 'provisioning-worker',
    });

    // The orchestrator publishes the same request again (a retry): nothing happens twice.
    await publisher.publish(REQUESTED, payload, { correlationId: `e2e-${allocationId}` });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const allocation = await firestore.collection('allocations').doc(allocationId).get();
    expect(allocation.get('applied')).toBe(1);
    expect(relayed()).toHaveLength(1);
    await publisher.flush();
  });

  it('archives a poison event in the replay app with its reason and original data', async () => {
    const poison = JSON.stringify({ event_id: randomUUID(), event_type: REQUESTED, payload: {} });
    const marker = randomUUID();
    await pubsub
      .topic(REQUESTED)
      .publishMessage({ data: Buffer.from(poison), attributes: { marker } });

    const archive = () =>
      stubs.deliveries.find((d) => d.receiver === 'replay' && d.attributes.marker === marker);
    await waitFor(() => archive(), {
      timeoutMs: 30_000,
    });
    const archived = archive();
    expect(archived?.path).toBe('/push/dead-letter/provisioning-worker');
    expect(archived?.data).toBe(poison);
    expect(archived?.attributes).toMatchObject({
      dlq_reason: 'envelope_invalid',
      source_subscription: `${REQUESTED}.provisioning-worker`,
    });
  });
});
