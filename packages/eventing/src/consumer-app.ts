import type { Firestore } from '@google-cloud/firestore';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { VerifyPushToken } from './auth/push-auth';
import { createDeliver, type Deliver } from './delivery';
import { createOutbox, type Outbox } from './outbox/outbox';
import type { Publisher } from './publisher';
import { createPushApp, type PushAppOptions } from './push/push-app';
import type { AnySubscription } from './subscription';

export interface ConsumerAppOptions
  extends Pick<PushAppOptions, 'bodyLimitBytes' | 'inFlight' | 'isDraining'> {
  subscriptions: readonly AnySubscription[];
  firestore: Firestore;
  publisher: Publisher;
  logger: Logger;
  projectId: string;
  /** `false` only by explicit local setting: the emulator sends no token. */
  verifyToken: VerifyPushToken | false;
  /** In-progress lease of `effect` subscriptions; below the subscription's ack deadline. */
  leaseMs: number;
  /** TTL of dedupe records and published outbox entries. */
  retentionMs: number;
}

export interface ConsumerApp {
  app: Hono;
  outbox: Outbox;
  deliver: Deliver;
}

/** The push app with its delivery pipeline and outbox: one wiring for services and tests. */
export function createConsumerApp(options: ConsumerAppOptions): ConsumerApp {
  const { firestore, publisher, retentionMs } = options;
  const outbox = createOutbox({ firestore, publisher, retentionMs });
  const deliver = createDeliver({
    firestore,
    publisher,
    outbox,
    leaseMs: options.leaseMs,
    retentionMs,
  });
  const app = createPushApp({
    subscriptions: options.subscriptions,
    deliver,
    firestore,
    logger: options.logger,
    projectId: options.projectId,
    verifyToken: options.verifyToken,
    bodyLimitBytes: options.bodyLimitBytes,
    inFlight: options.inFlight,
    isDraining: options.isDraining,
    outbox,
  });
  return { app, outbox, deliver };
}
