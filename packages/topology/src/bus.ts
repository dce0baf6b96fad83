import type { ConsumerName, EventType } from '@gpuaas/contracts';
import type { PushAuth } from './settings';

export interface EventTopic {
  name: string;
  eventType: EventType;
}

export interface DeadLetterTopic {
  name: string;
  consumer: ConsumerName;
}

export interface RetryPolicy {
  minimumBackoffSeconds: number;
  maximumBackoffSeconds: number;
}

export interface DeadLetterPolicy {
  /** Short topic name, e.g. `billing-worker.dlq`. */
  deadLetterTopic: string;
  maxDeliveryAttempts: number;
}

/** One push subscription, as plain data every deployment path (client, Terraform, gcloud) reads. */
export interface PushSubscription {
  /** `consumer`: a catalog row; `archive`: a dead-letter topic into the replay app. */
  kind: 'consumer' | 'archive';
  name: string;
  /** Short topic name. */
  topic: string;
  /** The consumer the subscription serves (for `archive`: whose dead letters it carries). */
  consumer: ConsumerName;
  /** Cloud Run service that receives the pushes. */
  service: string;
  /** Path on that service, e.g. `/push/gpuaas.provisioning.requested`. */
  servicePath: string;
  /** Full push URL; undefined when the service URL is not known (Terraform resolves it). */
  pushEndpoint: string | undefined;
  pushAuth: PushAuth | undefined;
  ackDeadlineSeconds: number;
  retryPolicy: RetryPolicy;
  /** '' for none. */
  filter: string;
  deadLetterPolicy: DeadLetterPolicy | undefined;
  /** The consumer's in-progress lease (kept beside the ack deadline it must stay under). */
  leaseSeconds: number | undefined;
  requestTimeoutSeconds: number;
}

/** A catalog row's subscription: always dead-lettered, and its consumer holds a lease. */
export interface ConsumerSubscription extends PushSubscription {
  kind: 'consumer';
  deadLetterPolicy: DeadLetterPolicy;
  leaseSeconds: number;
}

/** A dead-letter topic's subscription into the replay app. */
export interface ArchiveSubscription extends PushSubscription {
  kind: 'archive';
  deadLetterPolicy: undefined;
  leaseSeconds: undefined;
}

/** The whole bus: what `plan` compares with a project and what the Terraform variables carry. */
export interface Bus {
  topics: EventTopic[];
  deadLetterTopics: DeadLetterTopic[];
  subscriptions: ConsumerSubscription[];
  archiveSubscriptions: ArchiveSubscription[];
}
