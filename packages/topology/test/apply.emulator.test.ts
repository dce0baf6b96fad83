import type { PubSub } from '@google-cloud/pubsub';
import {
  archiveSubscriptionName,
  CONSUMERS,
  catalog,
  createEnvelope,
  deadLetterTopicName,
  EVENT_TYPES,
  type EventType,
  examples,
  idempotencyKeyOf,
  pushPath,
  subscriptionName,
  topicName,
} from '@gpuaas/contracts';
import {
  type PushReceivers,
  pubsubClient,
  startPushReceivers,
  uniqueProjectId,
  waitFor,
} from '@gpuaas/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apply,
  archivePushPath,
  type Bus,
  deriveBus,
  formatPlan,
  localSettingsAt,
  plan,
  readBus,
} from '../src/index';

const rows = EVENT_TYPES.flatMap((eventType) =>
  catalog[eventType].consumers.map((consumer) => ({ eventType, consumer })),
);

describe('apply on the Pub/Sub emulator', () => {
  const projectId = uniqueProjectId('topology-apply');
  let pubsub: PubSub;
  let receivers: PushReceivers;
  let bus: Bus;

  beforeAll(async () => {
    receivers = await startPushReceivers([...CONSUMERS, 'replay']);
    bus = deriveBus(localSettingsAt(receivers.urls));
    pubsub = pubsubClient(projectId);
  });

  afterAll(async () => {
    await pubsub?.close();
    await receivers?.close();
  });

  it('creates every topic before any subscription, and the whole bus', async () => {
    const lines: string[] = [];
    const result = await apply(pubsub, bus, { log: (line) => lines.push(line) });

    expect(result.unresolved).toEqual([]);
    expect(result.applied).toHaveLength(result.planned.length);
    const topics = result.planned
      .filter((item) => item.resource === 'topic')
      .map((item) => item.name);
    expect(topics.sort()).toEqual(
      [...EVENT_TYPES.map(topicName), ...CONSUMERS.map(deadLetterTopicName)].sort(),
    );
    const order = result.applied.map((item) => item.resource);
    expect(order.lastIndexOf('topic')).toBeLessThan(order.indexOf('subscription'));
    expect(lines[0]).toContain(`Plan: ${result.planned.length} to create, 0 to update, 0 drifted.`);

    const actual = await readBus(pubsub);
    expect(actual.target).toBe('emulator');
    const names = actual.subscriptions.map((s) => s.name).sort();
    expect(names).toEqual(
      [
        ...rows.map((row) => subscriptionName(row.eventType, row.consumer)),
        ...CONSUMERS.map(archiveSubscriptionName),
      ].sort(),
    );
    const requested = actual.subscriptions.find(
      (s) => s.name === subscriptionName('gpuaas.provisioning.requested', 'provisioning-worker'),
    );
    // What the emulator echoes back, checked field by field (it keeps all of these).
    expect(requested).toEqual({
      name: 'gpuaas.provisioning.requested.provisioning-worker',
      topic: 'gpuaas.provisioning.requested',
      pushEndpoint: `${receivers.urls['provisioning-worker']}/push/gpuaas.provisioning.requested`,
      pushAuth: undefined,
      ackDeadlineSeconds: 60,
      retryPolicy: { minimumBackoffSeconds: 10, maximumBackoffSeconds: 600 },
      filter:
        'NOT attributes:replay_target OR attributes.replay_target = "gpuaas.provisioning.requested.provisioning-worker"',
      deadLetterPolicy: { deadLetterTopic: 'provisioning-worker.dlq', maxDeliveryAttempts: 10 },
      neverExpires: true,
    });
  });

  it('delivers one event per type to every consumer the catalog names, and nowhere else', async () => {
    const published = new Map<string, EventType>();
    await Promise.all(
      EVENT_TYPES.map(async (eventType) => {
        const envelope = createEnvelope(eventType, examples[eventType], {
          correlationId: `topology-${eventType}`,
        });
        const messageId = await pubsub.topic(topicName(eventType)).publishMessage({
          data: Buffer.from(JSON.stringify(envelope)),
          attributes: {
            event_type: eventType,
            version: envelope.version,
            event_id: envelope.event_id,
            correlation_id: envelope.correlation_id,
            idempotency_key: idempotencyKeyOf(eventType, examples[eventType]),
            producer: catalog[eventType].producer,
          },
        });
        published.set(messageId, eventType);
      }),
    );

    const unique = () => new Set(receivers.deliveries.map((d) => `${d.receiver} ${d.messageId}`));
    await waitFor(() => unique().size >= rows.length, { timeoutMs: 20_000, message: 'every push' });
    // Anything misrouted would arrive within the same ~100 ms as the rest; give it a second.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const seen = new Map<
      string,
      { receiver: string; path: string; subscription: string; eventType?: EventType }
    >();
    for (const d of receivers.deliveries) {
      seen.set(`${d.receiver} ${d.messageId}`, { ...d, eventType: published.get(d.messageId) });
    }
    const got = [...seen.values()].map((d) => ({
      receiver: d.receiver,
      path: d.path,
      subscription: d.subscription,
    }));
    const expected = rows.map(({ eventType, consumer }) => ({
      receiver: consumer as string,
      path: pushPath(eventType),
      subscription: `projects/${projectId}/subscriptions/${subscriptionName(eventType, consumer)}`,
    }));
    const byKey = (a: { receiver: string; path: string }, b: { receiver: string; path: string }) =>
      `${a.receiver}${a.path}`.localeCompare(`${b.receiver}${b.path}`);
    expect(got.sort(byKey)).toEqual(expected.sort(byKey));
    expect(
      [...seen.values()].every(
        (d) => d.eventType !== undefined && d.path === pushPath(d.eventType),
      ),
    ).toBe(true);
  });

  it('carries each dead-letter topic into the replay app', async () => {
    const before = receivers.deliveries.length;
    await Promise.all(
      CONSUMERS.map((consumer) =>
        pubsub.topic(deadLetterTopicName(consumer)).publishMessage({
          data: Buffer.from('{}'),
          attributes: { dlq_reason: 'not_json', source_subscription: `x.${consumer}` },
        }),
      ),
    );
    await waitFor(
      () =>
        new Set(receivers.deliveries.slice(before).map((d) => d.subscription)).size >=
        CONSUMERS.length,
      { timeoutMs: 20_000, message: 'every archive push' },
    );
    const archived = receivers.deliveries.slice(before);
    expect(new Set(archived.map((d) => d.receiver))).toEqual(new Set(['replay']));
    expect(new Set(archived.map((d) => `${d.path} ${d.subscription}`))).toEqual(
      new Set(
        CONSUMERS.map(
          (consumer) =>
            `${archivePushPath(consumer)} projects/${projectId}/subscriptions/${archiveSubscriptionName(consumer)}`,
        ),
      ),
    );
  });

  it('has nothing to do on a second run', async () => {
    const lines: string[] = [];
    const result = await apply(pubsub, bus, { log: (line) => lines.push(line) });
    expect(result.planned).toEqual([]);
    expect(lines).toEqual(['Nothing to do: the bus matches the catalog.']);
    expect(formatPlan(plan(bus, await readBus(pubsub)))).toBe(
      'Nothing to do: the bus matches the catalog.',
    );
  });
});
