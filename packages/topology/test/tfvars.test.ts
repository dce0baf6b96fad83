import { readFileSync } from 'node:fs';
import {
  archiveSubscriptionName,
  CONSUMERS,
  catalog,
  deadLetterTopicName,
  EVENT_TYPES,
  pushPath,
  replayFilter,
  subscriptionName,
  topicName,
} from '@gpuaas/contracts';
import { describe, expect, it } from 'vitest';
import {
  archivePushPath,
  type BusTfvars,
  TERRAFORM_ENVIRONMENTS,
  tfvarsFileUrl,
} from '../src/index';

const rows = EVENT_TYPES.flatMap((eventType) =>
  catalog[eventType].consumers.map((consumer) => ({ eventType, consumer })),
);
const consumersInCatalog = CONSUMERS.filter((consumer) =>
  rows.some((row) => row.consumer === consumer),
);

describe.each(TERRAFORM_ENVIRONMENTS)('environments/%s/bus.auto.tfvars.json', (env) => {
  const committed = readFileSync(tfvarsFileUrl(env), 'utf8');
  const bus = JSON.parse(committed) as BusTfvars;

  it('has a topic per event type and a dead-letter topic per consumer in the catalog', () => {
    expect(bus.topics.map((t) => t.name)).toEqual(EVENT_TYPES.map(topicName));
    expect(bus.dead_letter_topics).toEqual(
      consumersInCatalog.map((consumer) => ({ name: deadLetterTopicName(consumer), consumer })),
    );
  });

  it('has a push subscription per catalog row with its dead-letter topic, filter and nested timeouts', () => {
    expect(bus.subscriptions.map((s) => s.name)).toEqual(
      rows.map((r) => subscriptionName(r.eventType, r.consumer)),
    );
    for (const [index, { eventType, consumer }] of rows.entries()) {
      const s = bus.subscriptions[index];
      expect(s).toMatchObject({
        topic: topicName(eventType),
        consumer,
        dead_letter_topic: deadLetterTopicName(consumer),
        filter: replayFilter(subscriptionName(eventType, consumer)),
      });
      expect(s?.push_path.endsWith(pushPath(eventType))).toBe(true);
      expect(s?.max_delivery_attempts).toBeGreaterThanOrEqual(5);
      expect(s?.max_delivery_attempts).toBeLessThanOrEqual(100);
      expect(s?.ack_deadline_seconds).toBeGreaterThan(s?.lease_seconds ?? Number.POSITIVE_INFINITY);
      expect(s?.minimum_backoff_seconds).toBeLessThanOrEqual(s?.maximum_backoff_seconds ?? -1);
    }
  });

  it('has an archive subscription per dead-letter topic into the replay app', () => {
    expect(bus.archive_subscriptions.map((s) => [s.name, s.topic, s.service, s.push_path])).toEqual(
      consumersInCatalog.map((consumer) => [
        archiveSubscriptionName(consumer),
        deadLetterTopicName(consumer),
        'replay',
        archivePushPath(consumer),
      ]),
    );
  });
});
