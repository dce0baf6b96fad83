import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { createPushTokenVerifier } from '../auth/push-auth';
import type { EventingConfig } from '../config';
import { createConsumerApp } from '../consumer-app';
import { createLogger } from '../logger';
import type { Outbox } from '../outbox/outbox';
import { createPublisher, type Publisher } from '../publisher';
import type { AnySubscription } from '../subscription';
import { InFlight } from './in-flight';

export interface ConsumerServiceOptions {
  config: EventingConfig;
  subscriptions: readonly AnySubscription[];
  firestore?: Firestore;
  pubsub?: PubSub;
  logger?: Logger;
  /** Google signing certificates URL override (tests). */
  certsUrl?: string;
}

export interface ConsumerService {
  app: Hono;
  publisher: Publisher;
  outbox: Outbox;
  firestore: Firestore;
  logger: Logger;
  inFlight: InFlight;
  /** Listens on `config.port` (0 = any free port); resolves with the bound port. */
  listen(): Promise<number>;
  /** Stops accepting, waits for in-flight deliveries up to the grace period, flushes. */
  shutdown(): Promise<void>;
}

/** Wires config, clients, the push app and graceful shutdown into one Cloud Run service. */
export function createConsumerService(options: ConsumerServiceOptions): ConsumerService {
  const { config } = options;
  const logger =
    options.logger ?? createLogger({ service: config.service, level: config.logLevel });
  const firestore = options.firestore ?? new Firestore({ projectId: config.projectId });
  const pubsub = options.pubsub ?? new PubSub({ projectId: config.projectId });
  const publisher = createPublisher({ pubsub, producer: config.service });
  const inFlight = new InFlight();
  let draining = false;
  const { app, outbox } = createConsumerApp({
    subscriptions: options.subscriptions,
    firestore,
    publisher,
    logger,
    projectId: config.projectId,
    verifyToken:
      config.pushAuth.mode === 'oidc'
        ? createPushTokenVerifier({
            audience: config.pushAuth.audience,
            serviceAccountEmail: config.pushAuth.serviceAccountEmail,
            certsUrl: options.certsUrl,
          })
        : false,
    leaseMs: config.leaseSeconds * 1000,
    retentionMs: config.idempotencyRetentionDays * 86_400_000,
    bodyLimitBytes: config.bodyLimitBytes,
    inFlight,
    isDraining: () => draining,
  });
  if (config.pushAuth.mode === 'off') logger.warn('push authentication is OFF (PUSH_AUTH=off)');

  let server: ServerType | undefined;
  return {
    app,
    publisher,
    outbox,
    firestore,
    logger,
    inFlight,
    listen() {
      return new Promise((resolve) => {
        server = serve({ fetch: app.fetch, port: config.port, hostname: '0.0.0.0' }, (info) => {
          logger.info({ port: info.port }, 'listening');
          resolve(info.port);
        });
      });
    },
    async shutdown() {
      logger.info({ in_flight: inFlight.size }, 'shutting down');
      draining = true;
      const closed = new Promise<void>((resolve) =>
        server ? server.close(() => resolve()) : resolve(),
      );
      const drained = await inFlight.drained(config.shutdownGraceSeconds * 1000);
      if (!drained)
        logger.warn({ in_flight: inFlight.size }, 'grace period over with deliveries in flight');
      await publisher.flush();
      // Past the grace period, sockets still open are cut so the process can exit.
      if (server && 'closeAllConnections' in server) server.closeAllConnections();
      await closed;
      await pubsub.close();
      await firestore.terminate();
      logger.flush();
    },
  };
}

/** Runs a service until SIGTERM/SIGINT (Cloud Run sends SIGTERM before stopping an instance). */
export async function runConsumerService(service: ConsumerService): Promise<void> {
  await service.listen();
  const stop = (signal: string) => {
    service.logger.info({ signal }, 'signal received');
    service
      .shutdown()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        service.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
