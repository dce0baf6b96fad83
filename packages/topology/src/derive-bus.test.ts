import {
  archiveSubscriptionName,
  CONSUMERS,
  catalog,
  deadLetterTopicName,
  EVENT_TYPES,
  pushPath,
  replayFilter,
  subscriptionName,
} from '@gpuaas/contracts';
import { describe, expect, it } from 'vitest';
import { archivePushPath, deriveBus } from './derive-bus';
import { readEnvironmentFile } from './environment-file';
import { resolveEnvironment } from './resolve-environment';
import { TopologyError } from './topology-error';

const local = resolveEnvironment(readEnvironmentFile('local')).settings;

describe('deriveBus', () => {
  const bus = deriveBus(local);

  it('has one topic per event type, named as the event type', () => {
    expect(bus.topics.map((topic) => topic.name)).toEqual([...EVENT_TYPES]);
  });

  it('has one push subscription per catalog row, to <base URL>/push/<event_type>', () => {
    const rows = EVENT_TYPES.flatMap((eventType) =>
      catalog[eventType].consumers.map((consumer) => ({ eventType, consumer })),
    );
    expect(bus.subscriptions).toHaveLength(rows.length);
    for (const { eventType, consumer } of rows) {
      const name = subscriptionName(eventType, consumer);
      const subscription = bus.subscriptions.find((s) => s.name === name);
      expect(subscription, name).toMatchObject({
        kind: 'consumer',
        topic: eventType,
        consumer,
        pushEndpoint: `${local.consumers[consumer].baseUrl}${pushPath(eventType)}`,
        servicePath: pushPath(eventType),
        filter: replayFilter(name),
        deadLetterPolicy: {
          deadLetterTopic: deadLetterTopicName(consumer),
          maxDeliveryAttempts: 10,
        },
        retryPolicy: { minimumBackoffSeconds: 10, maximumBackoffSeconds: 600 },
        ackDeadlineSeconds: 60,
        leaseSeconds: 30,
        pushAuth: undefined,
      });
    }
  });

  it('has a dead-letter topic and an archive subscription into replay per consumer in the catalog', () => {
    expect(bus.deadLetterTopics.map((t) => t.name)).toEqual(CONSUMERS.map(deadLetterTopicName));
    expect(bus.archiveSubscriptions.map((s) => [s.name, s.topic, s.pushEndpoint])).toEqual(
      CONSUMERS.map((consumer) => [
        archiveSubscriptionName(consumer),
        deadLetterTopicName(consumer),
        `http://127.0.0.1:8089/push/dead-letter/${consumer}`,
      ]),
    );
    expect(archivePushPath('ops')).toBe('/push/dead-letter/ops');
    expect(
      bus.archiveSubscriptions.every((s) => s.deadLetterPolicy === undefined && s.filter === ''),
    ).toBe(true);
  });

  it('leaves out dead-letter topics of consumers the catalog does not name', () => {
    const one = {
      'platform.billing.usage.metered': {
        eventType: 'platform.billing.usage.metered',
        consumers: ['billing-worker'],
      },
    } as const;
    const small = deriveBus(local, one);
    expect(small.deadLetterTopics.map((t) => t.name)).toEqual(['billing-worker.dlq']);
    expect(small.archiveSubscriptions.map((s) => s.name)).toEqual(['billing-worker.dlq.archive']);
  });

  it('refuses two subscriptions that push to the same URL (service + path)', () => {
    // ops shares notification-relay and an event type with it: without its base path (or its own
    // port locally) both subscriptions of platform.payments.reconcile_failed hit one route.
    const dev = readEnvironmentFile('dev');
    const clash = structuredClone(dev);
    delete clash.consumers.ops.basePath;
    const unresolved = resolveEnvironment(clash, { project: 'p' }).settings;
    expect(() => deriveBus(unresolved)).toThrow(TopologyError);
    expect(() => deriveBus(unresolved)).toThrow(
      /push_target_conflict: platform\.payments\.reconcile_failed\.notification-relay, platform\.payments\.reconcile_failed\.ops push to the same URL notification-relay\/push\/platform\.payments\.reconcile_failed/,
    );
    const resolved = resolveEnvironment(clash, { project: 'p', projectNumber: '1' }).settings;
    expect(() => deriveBus(resolved)).toThrow(
      /same URL https:\/\/notification-relay-1\.europe-west1\.run\.app\/push\/platform\.payments\.reconcile_failed/,
    );
    const sameLocalPort = structuredClone(local);
    sameLocalPort.consumers.ops.baseUrl = local.consumers['notification-relay'].baseUrl;
    expect(() => deriveBus(sameLocalPort)).toThrow(/push_target_conflict/);
    // As committed, every environment derives: ops has /ops on Cloud Run and its own port locally.
    expect(() => deriveBus(resolveEnvironment(dev, { project: 'p' }).settings)).not.toThrow();
  });

  it('refuses settings whose timeouts do not nest', () => {
    const bad = structuredClone(local);
    bad.consumers.ops.leaseSeconds = 90;
    expect(() => deriveBus(bad)).toThrow(TopologyError);
    expect(() => deriveBus(bad)).toThrow(/consumers\.ops\.leaseSeconds/);
  });
});
