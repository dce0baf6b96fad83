import {
  type ConsumerName,
  catalog,
  type EventType,
  isEventType,
  subscriptionName,
  topicName,
} from '@gpuaas/contracts';

/** Where a dead letter came from and where a replay of it goes. */
export interface LetterRoute {
  consumer: ConsumerName;
  /** `<event_type>.<consumer>`; what `replay_target` names. */
  subscription: string;
  /** The catalog event type of the subscription, when it is one of the consumer's. */
  eventType: EventType | null;
  /** Topic a replay publishes to; null when the subscription is not in the catalog. */
  topic: string | null;
}

/**
 * The route of a dead letter of `consumer`: its source subscription as the dead-lettering named
 * it, else the one its `event_type` attribute implies. Only a catalog subscription of that very
 * consumer is replayable: a replay must not reach anyone else's route.
 */
export function letterRoute(
  consumer: ConsumerName,
  sourceSubscription: string | null,
  eventTypeHint: string | null,
): LetterRoute {
  const subscription =
    sourceSubscription ??
    (eventTypeHint && isEventType(eventTypeHint)
      ? subscriptionName(eventTypeHint, consumer)
      : `unknown.${consumer}`);
  const suffix = `.${consumer}`;
  const prefix = subscription.endsWith(suffix) ? subscription.slice(0, -suffix.length) : '';
  const routable =
    isEventType(prefix) && (catalog[prefix].consumers as readonly string[]).includes(consumer);
  return {
    consumer,
    subscription,
    eventType: routable ? prefix : null,
    topic: routable ? topicName(prefix) : null,
  };
}
