export type { ActualBus, ActualSubscription } from './actual-bus';
export { readBus, shortName, toActualSubscription } from './actual-bus';
export type { ApplyOptions, ApplyResult } from './apply';
export { apply, PROJECT_DEPLOY_PATHS } from './apply';
export type {
  ArchiveSubscription,
  Bus,
  ConsumerSubscription,
  DeadLetterPolicy,
  DeadLetterTopic,
  EventTopic,
  PushSubscription,
  RetryPolicy,
} from './bus';
export {
  assertServices,
  checkRetention,
  checkServices,
  EMULATOR_PORTS,
  OPERATOR_ENV_KEYS,
  RESERVED_ENV_KEYS,
} from './check-services';
export type { CatalogRow } from './derive-bus';
export { busSubscriptions, busTopics, deriveBus } from './derive-bus';
export type { EndpointFile, EnvironmentFile, EnvironmentName, Timings } from './environment-file';
export {
  ENVIRONMENTS,
  environmentFileUrl,
  isEnvironmentName,
  parseEnvironmentFile,
  readEnvironmentFile,
} from './environment-file';
export { formatPlan } from './format-plan';
export type { GeneratedFile } from './generated-files';
export {
  GENERATE_COMMAND,
  generatedFiles,
  isCurrent,
  renderServicesTfvars,
  servicesTfvarsFileUrl,
  writeGenerated,
} from './generated-files';
export { localSettingsAt } from './local-settings';
export type { FieldChange, PlanItem, SubscriptionField } from './plan';
export { diffSubscription, plan, RECREATE_DROPS, TERRAFORM_REPLACES } from './plan';
export type { ProducingRow } from './publish-grants';
export { producedEventTypes, publishTopics, serviceOfProducer } from './publish-grants';
export type { ResolveContext, ResolvedEnvironment } from './resolve-environment';
export { resolveEnvironment } from './resolve-environment';
export { runCli } from './run-cli';
export * from './services';
export type { ServicesTfvars, ServiceTfvars, TaskTfvars } from './services-tfvars';
export { toServicesTfvars } from './services-tfvars';
export type {
  BusSettings,
  ConsumerSettings,
  DeliveryTimings,
  EndpointSettings,
  PushAuth,
} from './settings';
export {
  CLOUD_RUN_MAX_INSTANCE_REQUEST_CONCURRENCY,
  CLOUD_RUN_REQUEST_TIMEOUT_SECONDS,
  SUBSCRIPTION_DEFAULTS,
} from './settings';
export { subscriptionMetadata, subscriptionUpdate } from './subscription-metadata';
export type { BusTfvars, TerraformEnvironment } from './tfvars';
export { renderTfvars, TERRAFORM_ENVIRONMENTS, tfvarsFileUrl, toTfvars } from './tfvars';
export type { SettingsIssue } from './timeouts';
export {
  ABANDONED_LOCK_MARGIN,
  ABANDONED_TRANSACTION_LOCK_SECONDS,
  checkConsumerTimings,
  checkEndpointTimings,
  checkRetrySpan,
  checkRetrySpans,
  checkTimeouts,
  MINIMUM_RETRY_SPAN_SECONDS,
  retrySpanLowerBoundSeconds,
} from './timeouts';
export type { TopologyErrorCode } from './topology-error';
export { TopologyError } from './topology-error';
