import { assertServices } from './check-services';
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
  secret_env: Record<string, { secret: string; version: string }>;
  tasks: { name: string; path: string; schedule: string; description: string }[];
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
      Object.entries(service.secretEnv ?? {}).map(([key, { secret, version }]) => [
        key,
        { secret, version: version ?? 'latest' },
      ]),
    ),
    tasks: tasksOf(name),
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
