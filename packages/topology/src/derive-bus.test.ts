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
import { deriveBus } from './derive-bus';
import { readEnvironmentFile } from './environment-file';
import { resolveEnvironment } from './resolve-environment';
import { archivePushPath, basePathOf, serviceOf } from './services';
import type { BusSettings } from './settings';
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
        servicePath: `${basePathOf(consumer)}${pushPath(eventType)}`,
        service: serviceOf(consumer),
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
    // ops shares notification-relay and an event type with it: without its base path both
    // subscriptions of platform.payments.reconcile_failed hit one route.
    const withoutBasePath = (settings: BusSettings): BusSettings => {
      const clash = structuredClone(settings);
      clash.consumers.ops.basePath = '';
      clash.consumers.ops.baseUrl = settings.consumers['notification-relay'].baseUrl;
      return clash;
    };
    const dev = readEnvironmentFile('dev');
    const unresolved = withoutBasePath(resolveEnvironment(dev, { project: 'p' }).settings);
    expect(() => deriveBus(unresolved)).toThrow(TopologyError);
    expect(() => deriveBus(unresolved)).toThrow(
      /push_target_conflict: platform\.payments\.reconcile_failed\.notification-relay, platform\.payments\.reconcile_failed\.ops push to the same URL notification-relay\/push\/platform\.payments\.reconcile_failed/,
    );
    const resolved = withoutBasePath(
      resolveEnvironment(dev, { project: 'p', projectNumber: '1' }).settings,
    );
    expect(() => deriveBus(resolved)).toThrow(
      /same URL https:\/\/notification-relay-1\.europe-west1\.run\.app\/push\/platform\.payments\.reconcile_failed/,
    );
    expect(() => deriveBus(withoutBasePath(local))).toThrow(/push_target_conflict/);
    // As the table has it, every environment derives: ops is under /ops on notification-relay.
    expect(() => deriveBus(resolveEnvironment(dev, { project: 'p' }).settings)).not.toThrow();
    expect(() => deriveBus(local)).not.toThrow();
  });

  it('refuses a consumer whose retries cannot outlast an abandoned transaction lock', () => {
    const short = structuredClone(local);
    short.consumers['billing-read-model'].maxDeliveryAttempts = 5;
    expect(() => deriveBus(short)).toThrow(TopologyError);
    expect(() => deriveBus(short)).toThrow(
      /^retry_span_too_short: consumers\.billing-read-model\.maxDeliveryAttempts: retries span at least \(maxDeliveryAttempts 5 - 1\) x minimumBackoffSeconds 10 s = 40 s, below 90 s/,
    );
    // 10 attempts x 10 s (the defaults) leave 90 s: exactly enough.
    expect(() => deriveBus(local)).not.toThrow();
  });

  it('refuses settings whose timeouts do not nest', () => {
    const bad = structuredClone(local);
    bad.consumers.ops.leaseSeconds = 90;
    expect(() => deriveBus(bad)).toThrow(TopologyError);
    expect(() => deriveBus(bad)).toThrow(/consumers\.ops\.leaseSeconds/);
  });
});
