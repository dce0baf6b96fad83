import type { PubSub, protos } from '@google-cloud/pubsub';
import type { DeadLetterPolicy, RetryPolicy } from './bus';
import type { PushAuth } from './settings';

type SubscriptionResource = protos.google.pubsub.v1.ISubscription;
type Duration = protos.google.protobuf.IDuration | null | undefined;

/** A push subscription as Pub/Sub reports it, with short names. */
export interface ActualSubscription {
  name: string;
  /** Short topic name; `_deleted-topic_` once its topic is gone. */
  topic: string;
  /** '' for a pull subscription. */
  pushEndpoint: string;
  pushAuth: PushAuth | undefined;
  ackDeadlineSeconds: number;
  retryPolicy: RetryPolicy | undefined;
  filter: string;
  deadLetterPolicy: DeadLetterPolicy | undefined;
  neverExpires: boolean;
}

/** What exists in one project: the `actual` side of `plan`. */
export interface ActualBus {
  /** The emulator cannot change some fields in place, so `plan` needs to know. */
  target: 'emulator' | 'project';
  topics: string[];
  subscriptions: ActualSubscription[];
}

/** `projects/p/topics/x` -> `x`. */
export const shortName = (name: string | null | undefined): string =>
  (name ?? '').replace(/^projects\/[^/]+\/\w+\//, '');

const seconds = (duration: Duration): number =>
  Number(duration?.seconds ?? 0) + (duration?.nanos ?? 0) / 1e9;

/** Normalises one subscription resource as the client library returns it. */
export function toActualSubscription(resource: SubscriptionResource): ActualSubscription {
  const push = resource.pushConfig;
  const oidc = push?.oidcToken;
  const retry = resource.retryPolicy;
  const deadLetter = resource.deadLetterPolicy;
  const ttl = resource.expirationPolicy?.ttl;
  return {
    name: shortName(resource.name),
    topic: shortName(resource.topic),
    pushEndpoint: push?.pushEndpoint ?? '',
    pushAuth: oidc?.serviceAccountEmail
      ? { serviceAccountEmail: oidc.serviceAccountEmail, audience: oidc.audience ?? '' }
      : undefined,
    ackDeadlineSeconds: resource.ackDeadlineSeconds ?? 10,
    retryPolicy: retry
      ? {
          minimumBackoffSeconds: seconds(retry.minimumBackoff),
          maximumBackoffSeconds: seconds(retry.maximumBackoff),
        }
      : undefined,
    filter: resource.filter ?? '',
    deadLetterPolicy: deadLetter?.deadLetterTopic
      ? {
          deadLetterTopic: shortName(deadLetter.deadLetterTopic),
          maxDeliveryAttempts: deadLetter.maxDeliveryAttempts ?? 5,
        }
      : undefined,
    // An expiration policy without a ttl is Pub/Sub's "never expire".
    neverExpires: resource.expirationPolicy != null && (ttl == null || seconds(ttl) === 0),
  };
}

/** Lists the topics and subscriptions of the client's project (two paged list calls). */
export async function readBus(pubsub: PubSub): Promise<ActualBus> {
  const [[topics], [subscriptions]] = await Promise.all([
    pubsub.getTopics(),
    pubsub.getSubscriptions(),
  ]);
  return {
    target: pubsub.isEmulator ? 'emulator' : 'project',
    topics: topics.map((topic) => shortName(topic.name)),
    subscriptions: subscriptions.map((subscription) =>
      toActualSubscription({ ...subscription.metadata, name: subscription.name }),
    ),
  };
}
