import {
  archiveSubscriptionName,
  CONSUMERS,
  type ConsumerName,
  catalog,
  deadLetterTopicName,
  type EventType,
  pushPath,
  replayFilter,
  subscriptionName,
  topicName,
} from '@gpuaas/contracts';
import type { ArchiveSubscription, Bus, ConsumerSubscription, PushSubscription } from './bus';
import { archivePushPath } from './services';
import type { BusSettings, EndpointSettings } from './settings';
import { checkRetrySpans, checkTimeouts } from './timeouts';
import { TopologyError } from './topology-error';

/** The part of a catalog row the bus depends on. */
export interface CatalogRow {
  readonly eventType: EventType;
  readonly consumers: readonly ConsumerName[];
}

function endpoint(settings: EndpointSettings, path: string): string | undefined {
  return settings.baseUrl === undefined
    ? undefined
    : `${settings.baseUrl.replace(/\/+$/, '')}${path}`;
}

/** Derives topics, subscriptions and dead-letter topics from the catalog; throws on bad settings. */
export function deriveBus(
  settings: BusSettings,
  rows: Readonly<Record<string, CatalogRow>> = catalog,
): Bus {
  const issues = checkTimeouts(settings);
  if (issues.length > 0) {
    const lines = issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw new TopologyError('timeouts_not_nested', lines.join('; '));
  }
  const spans = checkRetrySpans(settings);
  if (spans.length > 0) {
    const lines = spans.map((issue) => `${issue.path}: ${issue.message}`);
    throw new TopologyError('retry_span_too_short', lines.join('; '));
  }
  const entries = Object.values(rows);
  const subscriptions = entries.flatMap((row) =>
    row.consumers.map((consumer): ConsumerSubscription => {
      const name = subscriptionName(row.eventType, consumer);
      const settingsOf = settings.consumers[consumer];
      const path = pushPath(row.eventType);
      return {
        kind: 'consumer',
        name,
        topic: topicName(row.eventType),
        consumer,
        service: settingsOf.service,
        servicePath: `${settingsOf.basePath}${path}`,
        pushEndpoint: endpoint(settingsOf, path),
        pushAuth: settingsOf.pushAuth,
        ackDeadlineSeconds: settingsOf.ackDeadlineSeconds,
        retryPolicy: {
          minimumBackoffSeconds: settingsOf.minimumBackoffSeconds,
          maximumBackoffSeconds: settingsOf.maximumBackoffSeconds,
        },
        filter: replayFilter(name),
        deadLetterPolicy: {
          deadLetterTopic: deadLetterTopicName(consumer),
          maxDeliveryAttempts: settingsOf.maxDeliveryAttempts,
        },
        leaseSeconds: settingsOf.leaseSeconds,
        requestTimeoutSeconds: settingsOf.requestTimeoutSeconds,
      };
    }),
  );
  const used = new Set(entries.flatMap((row) => row.consumers));
  // CONSUMERS order keeps the generated files stable whatever the catalog order.
  const consumers = CONSUMERS.filter((consumer) => used.has(consumer));
  const { replay } = settings;
  const archiveSubscriptions = consumers.map((consumer): ArchiveSubscription => {
    const path = archivePushPath(consumer);
    return {
      kind: 'archive',
      name: archiveSubscriptionName(consumer),
      topic: deadLetterTopicName(consumer),
      consumer,
      service: replay.service,
      servicePath: `${replay.basePath}${path}`,
      pushEndpoint: endpoint(replay, path),
      pushAuth: replay.pushAuth,
      ackDeadlineSeconds: replay.ackDeadlineSeconds,
      retryPolicy: {
        minimumBackoffSeconds: replay.minimumBackoffSeconds,
        maximumBackoffSeconds: replay.maximumBackoffSeconds,
      },
      // Replays never target an archive, and dead letters of dead letters would loop.
      filter: '',
      deadLetterPolicy: undefined,
      leaseSeconds: undefined,
      requestTimeoutSeconds: replay.requestTimeoutSeconds,
    };
  });
  checkPushTargets([...subscriptions, ...archiveSubscriptions]);
  return {
    topics: entries.map((row) => ({ name: topicName(row.eventType), eventType: row.eventType })),
    deadLetterTopics: consumers.map((consumer) => ({
      name: deadLetterTopicName(consumer),
      consumer,
    })),
    subscriptions,
    archiveSubscriptions,
  };
}

/**
 * Two subscriptions pushing to one URL would feed one push app with another consumer's events
 * (packages/eventing mounts one route per event type per app). The URL is the push endpoint when
 * known, else `<service><path>`, which is what Terraform and the gcloud scripts build it from.
 */
function checkPushTargets(subscriptions: readonly PushSubscription[]): void {
  const byTarget = new Map<string, string[]>();
  for (const s of subscriptions) {
    const target = s.pushEndpoint ?? `${s.service}${s.servicePath}`;
    byTarget.set(target, [...(byTarget.get(target) ?? []), s.name]);
  }
  const shared = [...byTarget].filter(([, names]) => names.length > 1);
  if (shared.length > 0) {
    const lines = shared.map(
      ([target, names]) => `${names.join(', ')} push to the same URL ${target}`,
    );
    throw new TopologyError(
      'push_target_conflict',
      `${lines.join('; ')}: give one consumer its own service or a basePath`,
    );
  }
}

/** Topics then subscriptions, each in creation order (dead-letter topics before their users). */
export function busTopics(bus: Bus): string[] {
  return [...bus.topics.map((t) => t.name), ...bus.deadLetterTopics.map((t) => t.name)];
}

export function busSubscriptions(bus: Bus): PushSubscription[] {
  return [...bus.subscriptions, ...bus.archiveSubscriptions];
}
