import type { ActualBus, ActualSubscription } from './actual-bus';
import type { Bus, PushSubscription } from './bus';
import { busSubscriptions, busTopics } from './derive-bus';

export type SubscriptionField =
  | 'topic'
  | 'filter'
  | 'pushEndpoint'
  | 'pushAuth'
  | 'ackDeadlineSeconds'
  | 'retryPolicy'
  | 'deadLetterPolicy'
  | 'expirationPolicy';

export interface FieldChange {
  field: SubscriptionField;
  actual: string;
  desired: string;
}

export type PlanItem =
  | { action: 'create'; resource: 'topic'; name: string }
  | { action: 'create'; resource: 'subscription'; name: string; subscription: PushSubscription }
  /** Every change can be made in place. */
  | {
      action: 'update';
      resource: 'subscription';
      name: string;
      subscription: PushSubscription;
      changes: FieldChange[];
    }
  /** Some change cannot be made in place: only deleting and recreating the subscription fixes it. */
  | {
      action: 'drift';
      resource: 'subscription';
      name: string;
      subscription: PushSubscription;
      changes: FieldChange[];
      reason: string;
      /** What applying it does: on a project, Terraform replaces the subscription. */
      consequence: string;
    };

/** What a Terraform apply does to a subscription whose topic or filter changed. */
export const TERRAFORM_REPLACES =
  'terraform apply will replace it (destroy, then create) and drop its backlog: every unacknowledged message it holds is lost; let it drain first, or accept the loss';
/** What `apply --recreate` does on the emulator. */
export const RECREATE_DROPS = 'run apply with --recreate to delete and recreate it';

/** Fields Pub/Sub never changes after creation. */
const IMMUTABLE: readonly SubscriptionField[] = ['topic', 'filter'];
/** Fields the emulator refuses to update ("currently unsupported in the Pub/Sub Emulator"). */
const EMULATOR_IMMUTABLE: readonly SubscriptionField[] = ['topic', 'filter', 'expirationPolicy'];

const show = {
  auth: (auth: PushSubscription['pushAuth']) =>
    auth === undefined ? 'none' : `oidc ${auth.serviceAccountEmail} aud=${auth.audience}`,
  retry: (retry: PushSubscription['retryPolicy'] | undefined) =>
    retry === undefined
      ? 'none'
      : `${retry.minimumBackoffSeconds}s..${retry.maximumBackoffSeconds}s`,
  deadLetter: (policy: PushSubscription['deadLetterPolicy']) =>
    policy === undefined
      ? 'none'
      : `${policy.deadLetterTopic} after ${policy.maxDeliveryAttempts} attempts`,
};

/** What differs between one desired subscription and the one that exists. */
export function diffSubscription(
  desired: PushSubscription,
  actual: ActualSubscription,
): FieldChange[] {
  const pairs: [SubscriptionField, string, string][] = [
    ['topic', actual.topic, desired.topic],
    ['filter', actual.filter, desired.filter],
    ['pushEndpoint', actual.pushEndpoint, desired.pushEndpoint ?? ''],
    ['pushAuth', show.auth(actual.pushAuth), show.auth(desired.pushAuth)],
    ['ackDeadlineSeconds', String(actual.ackDeadlineSeconds), String(desired.ackDeadlineSeconds)],
    ['retryPolicy', show.retry(actual.retryPolicy), show.retry(desired.retryPolicy)],
    [
      'deadLetterPolicy',
      show.deadLetter(actual.deadLetterPolicy),
      show.deadLetter(desired.deadLetterPolicy),
    ],
    ['expirationPolicy', actual.neverExpires ? 'never' : 'default', 'never'],
  ];
  return pairs
    .filter(([, was, wanted]) => was !== wanted)
    .map(([field, was, wanted]) => ({ field, actual: was, desired: wanted }));
}

/**
 * Compares the bus derived from the catalog with what exists: creates in dependency order
 * (topics, then subscriptions), then updates and drift. Never deletes: a resource the catalog
 * no longer names is left for a person to remove.
 */
export function plan(desired: Bus, actual: ActualBus): PlanItem[] {
  const topics = new Set(actual.topics);
  const existing = new Map(
    actual.subscriptions.map((subscription) => [subscription.name, subscription]),
  );
  const immutable = actual.target === 'emulator' ? EMULATOR_IMMUTABLE : IMMUTABLE;
  const items: PlanItem[] = busTopics(desired)
    .filter((name) => !topics.has(name))
    .map((name) => ({ action: 'create', resource: 'topic', name }));
  const changed: PlanItem[] = [];
  for (const subscription of busSubscriptions(desired)) {
    const found = existing.get(subscription.name);
    if (found === undefined) {
      items.push({
        action: 'create',
        resource: 'subscription',
        name: subscription.name,
        subscription,
      });
      continue;
    }
    const changes = diffSubscription(subscription, found);
    if (changes.length === 0) continue;
    const stuck = changes
      .filter((change) => immutable.includes(change.field))
      .map((change) => change.field);
    if (stuck.length === 0) {
      changed.push({
        action: 'update',
        resource: 'subscription',
        name: subscription.name,
        subscription,
        changes,
      });
      continue;
    }
    const reason =
      actual.target === 'emulator' && !stuck.every((field) => IMMUTABLE.includes(field))
        ? `the Pub/Sub emulator cannot update ${stuck.join(', ')} of a subscription`
        : `Pub/Sub cannot change ${stuck.join(', ')} of an existing subscription`;
    // On a project only Terraform (or a person) changes the bus, and it does so by replacement.
    const consequence =
      actual.target === 'project' && stuck.some((field) => IMMUTABLE.includes(field))
        ? TERRAFORM_REPLACES
        : RECREATE_DROPS;
    changed.push({
      action: 'drift',
      resource: 'subscription',
      name: subscription.name,
      subscription,
      changes,
      reason,
      consequence,
    });
  }
  return [...items, ...changed];
}
