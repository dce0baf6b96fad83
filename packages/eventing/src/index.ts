export { firestoreFor, pubsubFor } from './clients';
export type { EventingConfig, PushAuthSetting } from './config';
export {
  DEFAULT_DEAD_LETTER_RETENTION_DAYS,
  DEFAULT_IDEMPOTENCY_RETENTION_DAYS,
  DEFAULT_REPLAY_WINDOW_DAYS,
  loadConfig,
  safeReplayDeadline,
} from './config';
export type { DeliveryOutcome } from './delivery/outcome';
export { describeError } from './describe-error';
export type { Env } from './env-readers';
export {
  envBoolean,
  envCurrencies,
  envInteger,
  envOneOf,
  envRequired,
  envUrl,
} from './env-readers';
export type { DeadLetterReason } from './errors';
export {
  ConfigError,
  PermanentError,
  rejectEvent,
  TransientError,
  UnpublishableEventError,
} from './errors';
export type { DedupeRecord } from './idempotency/dedupe-record';
export { DEDUPE_COLLECTION } from './idempotency/dedupe-store';
export { dedupeRecordId } from './idempotency/record-key';
export type { Logger, LoggerOptions } from './logger';
export { createLogger } from './logger';
export type { DeliveryLabels, DeliveryMetrics } from './metrics';
export { createDeliveryMetrics } from './metrics';
export type { OutboxEntry, RelayResult } from './outbox/outbox';
export type { Producer, TransactOptions, TransactResult } from './outbox/producer';
export type { Emit, EmitOptions, EmittedEvent } from './outbox/transact';
export type { OutgoingMessage, Publisher, PublishOptions } from './publisher';
export { createPublisher, encodeEvent } from './publisher';
export type { PushReceiver, PushReceiverContext } from './service/push-receiver';
export { definePushReceiver } from './service/push-receiver';
export type { ServiceRuntime } from './service/runtime';
export type { ConsumerServiceOptions, Service, ServiceOptions } from './service/service';
export { createConsumerService, createService, runService } from './service/service';
export type { Task, TaskContext } from './service/task';
export { defineTask } from './service/task';
export type {
  AnySubscription,
  DeliveryInfo,
  EffectContext,
  FollowUpContext,
  HandlerContext,
  Subscription,
  SubscriptionOptions,
} from './subscription';
export { defineSubscription } from './subscription';
export type { Tracing, TracingMode, TracingOptions } from './tracing/start-tracing';
export { startTracing } from './tracing/start-tracing';
export {
  contextOfAttributes,
  contextOfHeaders,
  logTraceFields,
  traceAttributes,
} from './tracing/trace-context';
export type { PushMessage } from './wire/push-message';
export { decodeBase64 } from './wire/push-message';
