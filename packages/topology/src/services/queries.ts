import type { ConsumerName } from '@gpuaas/contracts';
import {
  SERVICES,
  type ServiceDefinition,
  type ServiceName,
  TASK_DEFAULTS,
  type TaskDefinition,
} from './table';

/** The table widened to its row type, for lookups of optional fields. */
const ROWS: Readonly<Record<ServiceName, ServiceDefinition>> = SERVICES;

export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

export const isServiceName = (name: string): name is ServiceName => Object.hasOwn(SERVICES, name);

/** A scheduler task as its service mounts it. */
export interface ScheduledTask {
  name: string;
  /** `/tasks/<name>`. */
  path: string;
  schedule: string;
  description: string;
  attemptDeadlineSeconds: number;
  retryCount: number;
  minBackoffSeconds: number;
  maxBackoffSeconds: number;
}

/** Route of a scheduler task on its service. */
export const taskPath = (name: string): string => `/tasks/${name}`;

/** Route of a consumer's dead letters on the archive service. */
export const archivePushPath = (consumer: ConsumerName): string => `/push/dead-letter/${consumer}`;

function lookup(service: string) {
  if (!isServiceName(service)) {
    throw new RangeError(`${service} is not a service (one of ${SERVICE_NAMES.join(', ')})`);
  }
  return SERVICES[service];
}

/** The service hosting a consumer's push app. */
export function serviceOf(consumer: ConsumerName): ServiceName {
  const found = SERVICE_NAMES.find((name) => consumer in SERVICES[name].consumers);
  if (found === undefined) throw new RangeError(`no service hosts consumer ${consumer}`);
  return found;
}

/** Path of a consumer's push app on its service: '' or e.g. '/ops'. */
export function basePathOf(consumer: ConsumerName): string {
  return ROWS[serviceOf(consumer)].consumers[consumer] ?? '';
}

/** The consumers a service hosts, each with its base path: what the app mounts its push apps at. */
export function pushBasePaths<S extends ServiceName>(
  service: S,
): (typeof SERVICES)[S]['consumers'] {
  return lookup(service).consumers as (typeof SERVICES)[S]['consumers'];
}

/** The service receiving every dead-letter topic's archive subscription. */
export function archiveService(): ServiceName {
  const found = SERVICE_NAMES.filter((name) => ROWS[name].deadLetterArchive === true);
  if (found.length !== 1 || found[0] === undefined) {
    throw new RangeError(
      `exactly one service must host the dead-letter archive, not ${found.length}`,
    );
  }
  return found[0];
}

/** The scheduler tasks of a service, with their routes and retry settings (TASK_DEFAULTS unless set). */
export function tasksOf(service: ServiceName): ScheduledTask[] {
  const tasks: readonly TaskDefinition[] = lookup(service).tasks;
  return tasks.map((task) => ({
    name: task.name,
    path: taskPath(task.name),
    schedule: task.schedule,
    description: task.description,
    attemptDeadlineSeconds: task.attemptDeadlineSeconds ?? TASK_DEFAULTS.attemptDeadlineSeconds,
    retryCount: task.retryCount ?? TASK_DEFAULTS.retryCount,
    minBackoffSeconds: task.minBackoffSeconds ?? TASK_DEFAULTS.minBackoffSeconds,
    maxBackoffSeconds: task.maxBackoffSeconds ?? TASK_DEFAULTS.maxBackoffSeconds,
  }));
}

/** Port of a service under `pnpm dev`. */
export function localPort(service: ServiceName): number {
  return lookup(service).localPort;
}

/** `http://127.0.0.1:<local port>`. */
export const localServiceUrl = (service: ServiceName): string =>
  `http://127.0.0.1:${localPort(service)}`;

/** The variables a service gets from Secret Manager (its `secretEnv`), by name. */
export function secretEnvNames(service: ServiceName): string[] {
  lookup(service);
  return Object.keys(ROWS[service].secretEnv ?? {});
}

/**
 * The secrets of a service's `secretEnv` that its config loader never reads from `env`: a secret
 * declared, granted and rotated for nothing. Each app's config test expects none. A read is a
 * lookup by name (`env.X`, `'X' in env`); a loader that enumerates the whole env reads them all.
 */
export function unreadSecrets(
  service: ServiceName,
  load: (env: Record<string, string | undefined>) => unknown,
  env: Record<string, string | undefined>,
): string[] {
  const read = new Set<string>();
  const recording = new Proxy(env, {
    get(target, property, receiver) {
      if (typeof property === 'string') read.add(property);
      return Reflect.get(target, property, receiver);
    },
    has(target, property) {
      if (typeof property === 'string') read.add(property);
      return Reflect.has(target, property);
    },
  });
  load(recording);
  return secretEnvNames(service).filter((name) => !read.has(name));
}
