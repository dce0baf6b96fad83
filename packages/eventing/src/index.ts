export type { PushAuthOptions, VerifyPushToken } from './auth/push-auth';
export { createPushTokenVerifier, PushAuthError, pushAuth } from './auth/push-auth';
export type { EventingConfig, PushAuthSetting } from './config';
export { loadConfig } from './config';
export type { ConsumerApp, ConsumerAppOptions } from './consumer-app';
export { createConsumerApp } from './consumer-app';
export type { Deliver, DeliveryOptions, DeliveryOutcome } from './delivery';
export { createDeliver } from './delivery';
export type { DeadLetterReason } from './errors';
export { ConfigError, PermanentError, rejectEvent, TransientError } from './errors';
export type { DedupeRecord } from './idempotency/dedupe-record';
export { dedupeRecordId, payloadHash } from './idempotency/record-key';
export type { ConsumerService, ConsumerServiceOptions } from './lifecycle/service';
export { createConsumerService, runConsumerService } from './lifecycle/service';
export type { Logger, LoggerOptions } from './logger';
export { createLogger, traceField } from './logger';
export type { Outbox, OutboxEntry } from './outbox/outbox';
export { createOutbox } from './outbox/outbox';
export type { OutgoingMessage, Publisher, PublisherOptions, PublishOptions } from './publisher';
export { createPublisher, encodeEvent } from './publisher';
export type { PushAppOptions } from './push/push-app';
export { createPushApp } from './push/push-app';
export type { PushMessage } from './push/push-body';
export { readPushBody } from './push/push-body';
export type {
  AnySubscription,
  DeliveryInfo,
  EffectContext,
  HandlerContext,
  Subscription,
  SubscriptionOptions,
} from './subscription';
export { defineSubscription } from './subscription';
