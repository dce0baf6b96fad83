import { assertServices } from './check-services';
import { publishTopics } from './publish-grants';
import {
  type DeployEnvironment,
  RETENTION_DAYS,
  SERVICE_NAMES,
  SERVICES,
  type ServiceDefinition,
  type ServiceName,
  tasksOf,
} from './services';
import {
  CLOUD_RUN_MAX_INSTANCE_REQUEST_CONCURRENCY,
  CLOUD_RUN_REQUEST_TIMEOUT_SECONDS,
} from './settings';

/** One service of `services.auto.tfvars.json`: the `services` input of modules/platform. */
export interface ServiceTfvars {
  ingress: 'INGRESS_TRAFFIC_ALL' | 'INGRESS_TRAFFIC_INTERNAL_ONLY';
  allow_unauthenticated: boolean;
  min_instance_count: number;
  max_instance_count: number;
  max_instance_request_concurrency: number;
  request_timeout_seconds: number;
  cpu: string;
  memory: string;
  env: Record<string, string>;
  /** Secret Manager secret per variable; the version is pinned per environment (`secret_versions`). */
  secret_env: Record<string, { secret: string }>;
  tasks: TaskTfvars[];
  /** Topics the runtime account may publish to (from the catalog): nothing else. */
  publish_topics: string[];
  /** Gets `OPERATOR_ALLOW_LIST`/`OPERATOR_AUDIENCE`; with no public invoker, operators get run.invoker. */
  operator_api: boolean;
  /** Cloud Armor limits, when the service is served through the edge load balancer. */
  edge: { requests_per_minute_per_ip: number; max_request_body_bytes: number } | null;
}

/** One Cloud Scheduler job of a service. */
export interface TaskTfvars {
  name: string;
  path: string;
  schedule: string;
  description: string;
  attempt_deadline_seconds: number;
  retry_count: number;
  min_backoff_seconds: number;
  max_backoff_seconds: number;
}

/**
 * `infra/terraform/environments/<env>/services.auto.tfvars.json`, from the services table; the
 * gcloud scripts read it too.
 */
export interface ServicesTfvars {
  services: Record<ServiceName, ServiceTfvars>;
  idempotency_retention_days: number;
  dead_letter_retention_days: number;
  replay_window_days: number;
}

function serviceTfvars(name: ServiceName, env: DeployEnvironment): ServiceTfvars {
  const service: ServiceDefinition = SERVICES[name];
  const size = service.sizing[env];
  return {
    ingress: service.ingress === 'public' ? 'INGRESS_TRAFFIC_ALL' : 'INGRESS_TRAFFIC_INTERNAL_ONLY',
    allow_unauthenticated: service.allowUnauthenticated,
    min_instance_count: size.minInstances,
    max_instance_count: size.maxInstances,
    max_instance_request_concurrency: CLOUD_RUN_MAX_INSTANCE_REQUEST_CONCURRENCY,
    request_timeout_seconds: CLOUD_RUN_REQUEST_TIMEOUT_SECONDS,
    cpu: size.cpu,
    memory: size.memory,
    env: { ...service.env },
    secret_env: Object.fromEntries(
      Object.entries(service.secretEnv ?? {}).map(([key, { secret }]) => [key, { secret }]),
    ),
    tasks: tasksOf(name).map((task) => ({
      name: task.name,
      path: task.path,
      schedule: task.schedule,
      description: task.description,
      attempt_deadline_seconds: task.attemptDeadlineSeconds,
      retry_count: task.retryCount,
      min_backoff_seconds: task.minBackoffSeconds,
      max_backoff_seconds: task.maxBackoffSeconds,
    })),
    publish_topics: publishTopics(name),
    operator_api: service.operatorApi === true,
    edge:
      service.edge === undefined
        ? null
        : {
            requests_per_minute_per_ip: service.edge.requestsPerMinutePerIp,
            max_request_body_bytes: service.edge.maxRequestBodyBytes,
          },
  };
}

/** The services variables of one environment; throws when the table breaks a rule. */
export function toServicesTfvars(env: DeployEnvironment): ServicesTfvars {
  assertServices();
  return {
    services: Object.fromEntries(
      SERVICE_NAMES.map((name) => [name, serviceTfvars(name, env)]),
    ) as Record<ServiceName, ServiceTfvars>,
    idempotency_retention_days: RETENTION_DAYS.idempotency,
    dead_letter_retention_days: RETENTION_DAYS.deadLetter,
    replay_window_days: RETENTION_DAYS.replayWindow,
  };
}
