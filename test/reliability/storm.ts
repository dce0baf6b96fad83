import { randomUUID } from 'node:crypto';
import type { Subscription } from '@google-cloud/pubsub';
import { EVENT_TYPES } from '@gpuaas/contracts';
import type { PlatformUnderTest } from '../support/platform';

/**
 * At-least-once as a storm: every message published on any topic of the catalog is published
 * twice more, both copies at once (same data, same attributes, marked so they are not copied again).
 */
export async function startStorm(platform: PlatformUnderTest, copies = 2) {
  const subscriptions: Subscription[] = [];
  let injected = 0;
  for (const topic of EVENT_TYPES) {
    const [subscription] = await platform.bus.pubsub
      .topic(topic)
      .createSubscription(`${topic}.storm-${randomUUID().slice(0, 8)}`, { ackDeadlineSeconds: 30 });
    subscription.on('message', (message) => {
      if (message.attributes.storm_copy) {
        message.ack();
        return;
      }
      const attributes = { ...message.attributes, storm_copy: '1' };
      Promise.all(
        Array.from({ length: copies }, () =>
          platform.bus.pubsub.topic(topic).publishMessage({ data: message.data, attributes }),
        ),
      ).then(
        () => {
          injected += copies;
          message.ack();
        },
        () => message.nack(),
      );
    });
    subscriptions.push(subscription);
  }
  return {
    get injected() {
      return injected;
    },
    async stop() {
      await Promise.all(subscriptions.map((s) => s.close()));
    },
  };
}
