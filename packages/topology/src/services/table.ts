import type { ConsumerName, ProducerName } from '@gpuaas/contracts';

/** Environments that run on Cloud Run (local runs on the emulators only). */
export type DeployEnvironment = 'dev' | 'prod';

/** Cloud Run sizing of one service in one environment. */
export interface ServiceSizing {
  readonly minInstances: number;
  readonly maxInstances: number;
  /** CPU limit per instance, e.g. '1'. */
  readonly cpu: string;
  /** Memory limit per instance, e.g. '512Mi'. */
  readonly memory: string;
}

/** A Cloud Scheduler job calling `POST /tasks/<name>` on its service. */
export interface TaskDefinition {
  /** kebab-case; the route is `/tasks/<name>`, the job `<name>-<service>`. */
  readonly name: string;
  /** Five-field cron, evaluated in UTC. */
  readonly schedule: string;
  readonly description: string;
  /** Cloud Scheduler's attempt deadline: how long one call may run (15 s up to the request timeout). */
  readonly attemptDeadlineSeconds?: number;
  /** Retries of a failed call before the job waits for its next tick (0-5). */
  readonly retryCount?: number;
  readonly minBackoffSeconds?: number;
  readonly maxBackoffSeconds?: number;
}

/**
 * A Secret Manager secret behind an environment variable. Terraform declares the secret and binds
 * its accessor to this service only; the value is a version added by hand, pinned per environment
 * (`secret_versions`, infra/README.md "Secrets"), never `latest`.
 */
export interface SecretEnv {
  readonly secret: string;
}

/** Internet-facing service: served through the load balancer with a Cloud Armor policy. */
export interface EdgeLimits {
  /** Requests one client IP may make per minute before it gets 429s. */
  readonly requestsPerMinutePerIp: number;
  /** Largest request body (Content-Length) let through to the service. */
  readonly maxRequestBodyBytes: number;
}

/** One Cloud Run service (an app under apps/). */
export interface ServiceDefinition {
  /** Catalog consumers whose push apps this service mounts, with each one's base path. */
  readonly consumers: { readonly [C in ConsumerName]?: string };
  /** Receives every `<consumer>.dlq.archive` subscription at `/push/dead-letter/<consumer>`. */
  readonly deadLetterArchive?: boolean;
  /** `public`: reachable from the internet; `internal`: Pub/Sub and Cloud Scheduler only. */
  readonly ingress: 'public' | 'internal';
  /** Anyone may call it (`allUsers` invoker); the app authenticates callers itself. */
  readonly allowUnauthenticated: boolean;
  readonly tasks: readonly TaskDefinition[];
  /** Port of the service under `pnpm dev`; every consumer it hosts shares it. */
  readonly localPort: number;
  readonly sizing: { readonly [E in DeployEnvironment]: ServiceSizing };
  readonly env?: Readonly<Record<string, string>>;
  readonly secretEnv?: Readonly<Record<string, SecretEnv>>;
  /**
   * Catalog producers this service publishes as: the events the catalog gives them are the topics
   * it may publish to (besides the dead-letter topics of the consumers it hosts).
   */
  readonly producers: readonly ProducerName[];
  /** Republishes archived dead letters to their original topics, whichever they are (replay). */
  readonly republishesAnyEvent?: boolean;
  /** Serves operator routes: gets `OPERATOR_ALLOW_LIST` and `OPERATOR_AUDIENCE` from the platform. */
  readonly operatorApi?: boolean;
  /** Rate and size limits at the load balancer, for services the internet calls. */
  readonly edge?: EdgeLimits;
}

const EVERY_MINUTE = '* * * * *';

/** Re-publishes events committed to the Firestore outbox whose publish failed (packages/eventing). */
const OUTBOX_SWEEP = {
  name: 'outbox-sweep',
  schedule: EVERY_MINUTE,
  description: 'Re-publishes events stranded in the Firestore outbox (packages/eventing).',
} as const satisfies TaskDefinition;

/** What a scheduler task gets unless it says otherwise: ticks are idempotent and come again soon. */
export const TASK_DEFAULTS = {
  attemptDeadlineSeconds: 60,
  retryCount: 1,
  minBackoffSeconds: 5,
  maxBackoffSeconds: 30,
} as const satisfies Required<Omit<TaskDefinition, 'name' | 'schedule' | 'description'>>;

/** A user API: API keys are checked by the app; the edge caps abuse per client IP. */
const USER_API_EDGE = {
  requestsPerMinutePerIp: 600,
  maxRequestBodyBytes: 64 * 1024,
} as const satisfies EdgeLimits;

const STANDARD_SIZING = {
  dev: { minInstances: 0, maxInstances: 3, cpu: '1', memory: '512Mi' },
  prod: { minInstances: 1, maxInstances: 20, cpu: '1', memory: '512Mi' },
} as const satisfies ServiceDefinition['sizing'];

/**
 * The six Cloud Run services: the one place an app is described. The Terraform services map, the
 * scheduler jobs, the gcloud deployment and the bus settings are generated from it
 * (`pnpm --filter @gpuaas/topology generate`).
 */
export const SERVICES = {
  orchestrator: {
    consumers: { 'api-read-model': '' },
    // Public API (user API keys).
    ingress: 'public',
    allowUnauthenticated: true,
    tasks: [OUTBOX_SWEEP],
    localPort: 8080,
    sizing: STANDARD_SIZING,
    producers: ['orchestrator'],
    operatorApi: true,
    edge: USER_API_EDGE,
  },
  'provisioning-worker': {
    consumers: { 'provisioning-worker': '' },
    ingress: 'internal',
    allowUnauthenticated: false,
    tasks: [
      OUTBOX_SWEEP,
      {
        name: 'meter',
        schedule: EVERY_MINUTE,
        description: 'Emits the usage interval of every active allocation.',
      },
      {
        name: 'reconcile',
        schedule: '*/5 * * * *',
        description:
          'Reconciles allocations with the GPU provider (timeouts, half-created instances).',
        // A provider sweep may take minutes; it still ends before the next tick.
        attemptDeadlineSeconds: 240,
      },
      {
        name: 'release-retries',
        schedule: EVERY_MINUTE,
        description: 'Retries pending releases until they succeed or are exhausted.',
      },
    ],
    localPort: 8081,
    sizing: STANDARD_SIZING,
    // It meters GPU usage as the catalog's product-neutral `metered-product`.
    producers: ['provisioning-worker', 'metered-product'],
  },
  'billing-worker': {
    consumers: { 'billing-worker': '', 'billing-read-model': '' },
    // Serves the user billing read API (balance, ledger) besides its pushes.
    ingress: 'public',
    allowUnauthenticated: true,
    tasks: [
      OUTBOX_SWEEP,
      {
        name: 'evaluate-balances',
        schedule: EVERY_MINUTE,
        description: 'Evaluates balances: low-balance, projected depletion and depletion.',
      },
    ],
    localPort: 8082,
    sizing: STANDARD_SIZING,
    producers: ['billing-worker'],
    operatorApi: true,
    edge: USER_API_EDGE,
  },
  payments: {
    consumers: {},
    // Stripe calls the webhook from the internet; the app verifies its signature.
    ingress: 'public',
    allowUnauthenticated: true,
    tasks: [OUTBOX_SWEEP],
    localPort: 8084,
    sizing: STANDARD_SIZING,
    secretEnv: {
      // Verifying a webhook needs its signing secret only: the app calls no Stripe API, so it
      // holds no API key.
      STRIPE_WEBHOOK_SECRET: { secret: 'stripe-webhook-secret' },
    },
    producers: ['payments'],
    operatorApi: true,
    // Stripe retries in bursts from a few addresses; events are small JSON documents.
    edge: { requestsPerMinutePerIp: 1200, maxRequestBodyBytes: 256 * 1024 },
  },
  'notification-relay': {
    // ops shares platform.payments.reconcile_failed with notification-relay: one route each.
    consumers: { 'notification-relay': '', ops: '/ops' },
    // Serves the user notifications read API besides its pushes.
    ingress: 'public',
    allowUnauthenticated: true,
    tasks: [
      {
        name: 'deliver-notifications',
        schedule: EVERY_MINUTE,
        description: 'Delivers pending notifications through their channels, with retries.',
      },
    ],
    localPort: 8083,
    sizing: STANDARD_SIZING,
    secretEnv: {
      // A Slack incoming webhook URL lets anyone holding it post to the channel: a secret.
      OPS_ALERT_WEBHOOK_URL: { secret: 'ops-alert-webhook-url' },
    },
    // Stores and delivers notifications; it emits no catalog event.
    producers: [],
    operatorApi: true,
    edge: USER_API_EDGE,
  },
  replay: {
    consumers: {},
    deadLetterArchive: true,
    // Operators reach the archive page with run.invoker (gcloud run services proxy).
    ingress: 'public',
    allowUnauthenticated: false,
    tasks: [
      {
        name: 'run-replays',
        schedule: EVERY_MINUTE,
        description: 'Runs the queued replays of dead letters, rate-limited.',
      },
    ],
    localPort: 8089,
    producers: [],
    // A replay republishes a dead letter to the topic it came from: any event topic.
    republishesAnyEvent: true,
    operatorApi: true,
    sizing: {
      // The archive page sees operators, not traffic.
      dev: { minInstances: 0, maxInstances: 2, cpu: '1', memory: '512Mi' },
      prod: { minInstances: 0, maxInstances: 2, cpu: '1', memory: '512Mi' },
    },
  },
} as const satisfies Record<string, ServiceDefinition>;

export type ServiceName = keyof typeof SERVICES;

/** Retention figures every service gets as env; DESIGN.md "Consumer semantics" 3 orders them. */
export const RETENTION_DAYS = {
  /** Dedupe records (`IDEMPOTENCY_RETENTION_DAYS`): outlive the archive plus any replay window. */
  idempotency: 45,
  /** Archive subscriptions keep unacknowledged dead letters this long (`DEAD_LETTER_RETENTION_DAYS`; Pub/Sub's maximum is 31). */
  deadLetter: 31,
  /** The longest replay window (`REPLAY_WINDOW_DAYS`). */
  replayWindow: 7,
} as const;
export type RetentionDays = { readonly [K in keyof typeof RETENTION_DAYS]: number };
