import type { PubSub, SubscriptionMetadata } from '@google-cloud/pubsub';
import type { PushSubscription } from './bus';
import type { FieldChange } from './plan';

/** Pub/Sub metadata of a subscription; `deadLetterTopic` needs the full topic name. */
export function subscriptionMetadata(
  pubsub: PubSub,
  subscription: PushSubscription,
): SubscriptionMetadata {
  const { pushAuth, retryPolicy, deadLetterPolicy } = subscription;
  return {
    pushConfig: {
      pushEndpoint: subscription.pushEndpoint ?? '',
      ...(pushAuth === undefined ? {} : { oidcToken: { ...pushAuth } }),
    },
    ackDeadlineSeconds: subscription.ackDeadlineSeconds,
    retryPolicy: {
      minimumBackoff: { seconds: retryPolicy.minimumBackoffSeconds },
      maximumBackoff: { seconds: retryPolicy.maximumBackoffSeconds },
    },
    ...(subscription.filter === '' ? {} : { filter: subscription.filter }),
    ...(deadLetterPolicy === undefined
      ? {}
      : {
          deadLetterPolicy: {
            deadLetterTopic: pubsub.topic(deadLetterPolicy.deadLetterTopic).name,
            maxDeliveryAttempts: deadLetterPolicy.maxDeliveryAttempts,
          },
        }),
    // Subscriptions expire after 31 idle days by default; an expired archive drops dead letters.
    expirationPolicy: {},
  };
}

/** The fields of `subscriptionMetadata` a set of changes touches (the update mask). */
export function subscriptionUpdate(
  full: SubscriptionMetadata,
  changes: readonly FieldChange[],
): SubscriptionMetadata {
  const update: SubscriptionMetadata = {};
  for (const { field } of changes) {
    if (field === 'pushEndpoint' || field === 'pushAuth') update.pushConfig = full.pushConfig;
    if (field === 'ackDeadlineSeconds') update.ackDeadlineSeconds = full.ackDeadlineSeconds;
    if (field === 'retryPolicy') update.retryPolicy = full.retryPolicy;
    if (field === 'deadLetterPolicy') update.deadLetterPolicy = full.deadLetterPolicy ?? null;
    if (field === 'expirationPolicy') update.expirationPolicy = full.expirationPolicy;
  }
  return update;
}
