// `@gpuaas/topology/services`: the services table, light enough for a Cloud Run app to import.
export type { ScheduledTask } from './queries';
export {
  archivePushPath,
  archiveService,
  basePathOf,
  isServiceName,
  localPort,
  localServiceUrl,
  pushBasePaths,
  SERVICE_NAMES,
  secretEnvNames,
  serviceOf,
  taskPath,
  tasksOf,
  unreadSecrets,
} from './queries';
export type {
  DeployEnvironment,
  EdgeLimits,
  RetentionDays,
  SecretEnv,
  ServiceDefinition,
  ServiceName,
  ServiceSizing,
  TaskDefinition,
} from './table';
export { RETENTION_DAYS, SERVICES, TASK_DEFAULTS } from './table';
