import type { ConsumerName } from '@gpuaas/contracts';

/** Cloud Run's request timeout for every service of the platform (its default is also 300 s). */
export const CLOUD_RUN_REQUEST_TIMEOUT_SECONDS = 300;
/** Requests one Cloud Run instance serves at once (Cloud Run's default). */
export const CLOUD_RUN_MAX_INSTANCE_REQUEST_CONCURRENCY = 80;

/** Defaults for every push subscription; DESIGN.md "Consumer semantics" 5 nests them. */
export const SUBSCRIPTION_DEFAULTS = {
  ackDeadlineSeconds: 60,
  minimumBackoffSeconds: 10,
  maximumBackoffSeconds: 600,
  maxDeliveryAttempts: 10,
  /** The in-progress dedupe lease of a consumer (`LEASE_SECONDS` in packages/eventing). */
  leaseSeconds: 30,
  requestTimeoutSeconds: CLOUD_RUN_REQUEST_TIMEOUT_SECONDS,
} as const;

/** OIDC token Pub/Sub attaches to each push; absent means push auth is off (local only). */
export interface PushAuth {
  serviceAccountEmail: string;
  audience: string;
}

/** Timings of one push endpoint (a consumer, or the replay app's archive endpoint). */
export interface DeliveryTimings {
  ackDeadlineSeconds: number;
  minimumBackoffSeconds: number;
  maximumBackoffSeconds: number;
  /** Request timeout of the Cloud Run service the endpoint runs on. */
  requestTimeoutSeconds: number;
}

/** Where a push app runs and how Pub/Sub delivers to it. */
export interface EndpointSettings extends DeliveryTimings {
  /** Cloud Run service hosting the push app (Terraform and gcloud resolve its URL). */
  service: string;
  /** Path of the push app on its service: '' unless it shares a service and an event type. */
  basePath: string;
  /** `<service URL><basePath>`; undefined when unresolved (enough for the Terraform variables). */
  baseUrl: string | undefined;
  pushAuth: PushAuth | undefined;
}

export interface ConsumerSettings extends EndpointSettings {
  maxDeliveryAttempts: number;
  leaseSeconds: number;
}

/** Everything besides the catalog that the bus is derived from. */
export interface BusSettings {
  consumers: Record<ConsumerName, ConsumerSettings>;
  /** The replay app, which receives every dead-letter topic through its archive subscription. */
  replay: EndpointSettings;
}
