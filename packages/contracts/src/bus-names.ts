// Names on the bus are a contract other tools rely on (DESIGN.md "Bus layout").

/** Topic of an event type: exactly the event type. */
export const topicName = (eventType: string): string => eventType;

/** Push subscription of one catalog row: `<event_type>.<consumer>`. */
export const subscriptionName = (eventType: string, consumer: string): string =>
  `${eventType}.${consumer}`;

/** Dead-letter topic of a consumer: `<consumer>.dlq`. */
export const deadLetterTopicName = (consumer: string): string => `${consumer}.dlq`;

/** Push subscription carrying a consumer's dead letters into the replay app. */
export const archiveSubscriptionName = (consumer: string): string => `${consumer}.dlq.archive`;

/** Push route of an event type on its consumer's service. */
export const pushPath = (eventType: string): string => `/push/${eventType}`;

/** Subscription filter so a replay reaches only the consumer it is meant for. */
export const replayFilter = (subscription: string): string =>
  `NOT attributes:replay_target OR attributes.replay_target = "${subscription}"`;
