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
export type { CatalogRow } from './derive-bus';
export { archivePushPath, busSubscriptions, busTopics, deriveBus } from './derive-bus';
export type { EndpointFile, EnvironmentFile, EnvironmentName, Timings } from './environment-file';
export {
  ENVIRONMENTS,
  environmentFileUrl,
  isEnvironmentName,
  parseEnvironmentFile,
  readEnvironmentFile,
} from './environment-file';
export { formatPlan } from './format-plan';
export { localSettingsAt } from './local-settings';
export type { FieldChange, PlanItem, SubscriptionField } from './plan';
export { diffSubscription, plan } from './plan';
export type { ResolveContext, ResolvedEnvironment } from './resolve-environment';
export { resolveEnvironment } from './resolve-environment';
export { runCli } from './run-cli';
export type {
  BusSettings,
  ConsumerSettings,
  DeliveryTimings,
  EndpointSettings,
  PushAuth,
} from './settings';
export { CLOUD_RUN_REQUEST_TIMEOUT_SECONDS, SUBSCRIPTION_DEFAULTS } from './settings';
export { subscriptionMetadata, subscriptionUpdate } from './subscription-metadata';
export type { BusTfvars, TerraformEnvironment } from './tfvars';
export {
  renderTfvars,
  TERRAFORM_ENVIRONMENTS,
  TFVARS_COMMAND,
  tfvarsFileUrl,
  toTfvars,
  writeTfvars,
} from './tfvars';
export type { SettingsIssue } from './timeouts';
export { checkConsumerTimings, checkEndpointTimings, checkTimeouts } from './timeouts';
export type { TopologyErrorCode } from './topology-error';
export { TopologyError } from './topology-error';
