import type { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import type { ConsumerName } from '@gpuaas/contracts';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { createPushTokenVerifier } from '../auth/push-auth';
import { firestoreFor, pubsubFor } from '../clients';
import type { EventingConfig } from '../config';
import { createDeliver } from '../delivery/deliver';
import { createDedupeStore } from '../idempotency/dedupe-store';
import { createLogger } from '../logger';
import { createDeliveryMetrics, type DeliveryMetrics } from '../metrics';
import { createOutbox } from '../outbox/outbox';
import { createProducer } from '../outbox/producer';
import { createPublisher, type Publisher } from '../publisher';
import type { AnySubscription } from '../subscription';
import { startTracing } from '../tracing/start-tracing';
import { ensureContextManager } from '../tracing/trace-context';
import { InFlight } from './in-flight';
import type { PushReceiver } from './push-receiver';
import { createReadiness } from './readiness';
import type { ServiceRuntime } from './runtime';
import { createServiceApp } from './service-app';
import { defineTask, type Task } from './task';

export interface ServiceOptions {
  config: EventingConfig;
  /** Subscriptions of every consumer this service hosts. */
  subscriptions?: readonly AnySubscription[];
  /** Push base path per hosted consumer (the services table's); the root by default. */
  basePaths?: Partial<Record<ConsumerName, string>>;
  /** Scheduler ticks, `POST /tasks/<name>`; `outbox-sweep` is always there. */
  tasks?: readonly Task[];
  /** Raw push endpoints (the dead-letter archive). */
  receivers?: readonly PushReceiver[];
  /** The service's own HTTP API, built once the runtime exists (it needs its Firestore, producer). */
  api?: (runtime: ServiceRuntime) => Hono;
  firestore?: Firestore;
  pubsub?: PubSub;
  logger?: Logger;
  /** Wraps the publisher: observe or alter the step between commit and publish. */
  wrapPublisher?: (publisher: Publisher) => Publisher;
  /**
   * The app's own background work stops here on shutdown: after the grace period, before the
   * publisher is flushed and the clients close (a replay drive hands its lease back, say).
   */
  onShutdown?: (runtime: ServiceRuntime) => Promise<void>;
  metrics?: DeliveryMetrics;
}

export interface Service extends ServiceRuntime {
  app: Hono;
  inFlight: InFlight;
  metrics: DeliveryMetrics;
  /** Listens on `config.port` (0 = any free port); resolves with the bound port. */
  listen(): Promise<number>;
  /** Stops accepting, waits for in-flight work up to the grace period, flushes, closes clients. */
  shutdown(): Promise<void>;
}

/** The tick that re-drives this service's events a crash left committed but unpublished. */
const outboxSweep = defineTask({
  name: 'outbox-sweep',
  async run({ runtime, log }) {
    const result = await runtime.outbox.sweep();
    if (result.published + result.failed > 0) {
      log[result.failed > 0 ? 'warn' : 'info'](result, 'outbox sweep re-drove stranded events');
    }
    if (result.failed > 0) throw new Error(`${result.failed} outbox entries not published`);
    return result;
  },
});

/**
 * A Cloud Run service on the eventing runtime: config, clients, the push routes of the
 * consumers it hosts, its tasks, receivers and API, and graceful shutdown.
 */
export function createService(options: ServiceOptions): Service {
  const { config } = options;
  ensureContextManager();
  const logger =
    options.logger ??
    createLogger({ service: config.service, level: config.logLevel, projectId: config.projectId });
  const firestore = options.firestore ?? firestoreFor(config.projectId);
  const pubsub = options.pubsub ?? pubsubFor(config.projectId);
  const basePublisher = createPublisher({ pubsub, producer: config.service });
  const publisher = options.wrapPublisher ? options.wrapPublisher(basePublisher) : basePublisher;
  const retentionMs = config.idempotencyRetentionDays * 86_400_000;
  const outbox = createOutbox({
    firestore,
    publisher,
    retentionMs,
    claimMs: config.outboxClaimSeconds * 1000,
  });
  const producer = createProducer({ firestore, publisher, outbox, logger });
  const runtime: ServiceRuntime = { config, firestore, publisher, outbox, producer, logger };
  const inFlight = new InFlight();
  const metrics = options.metrics ?? createDeliveryMetrics();
  let draining = false;
  let closed = false;

  const deliver = createDeliver({
    firestore,
    publisher,
    outbox,
    producer,
    dedupe: createDedupeStore({ firestore, retentionMs }),
    leaseMs: config.leaseSeconds * 1000,
    budgetMs: config.deliveryBudgetSeconds * 1000,
    track: (late) => inFlight.track(late),
    isClosed: () => closed,
  });
  const app = createServiceApp({
    runtime,
    deliver,
    subscriptions: options.subscriptions ?? [],
    basePaths: options.basePaths,
    tasks: [outboxSweep, ...(options.tasks ?? [])],
    receivers: options.receivers ?? [],
    api: options.api?.(runtime),
    verifyToken:
      config.pushAuth.mode === 'oidc'
        ? createPushTokenVerifier({
            audience: config.pushAuth.audience,
            serviceAccountEmail: config.pushAuth.serviceAccountEmail,
            certsUrl: config.pushAuth.certsUrl,
          })
        : false,
    metrics,
    ready: createReadiness({ firestore, logger }),
    bodyLimitBytes: config.bodyLimitBytes,
    inFlight,
    isDraining: () => draining,
  });
  if (config.pushAuth.mode === 'off') logger.warn('push authentication is OFF (PUSH_AUTH=off)');

  let server: ServerType | undefined;
  return {
    ...runtime,
    app,
    inFlight,
    metrics,
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
      const serverClosed = new Promise<void>((resolve) =>
        server ? server.close(() => resolve()) : resolve(),
      );
      const drained = await inFlight.drained(config.shutdownGraceSeconds * 1000);
      if (!drained) {
        logger.warn({ in_flight: inFlight.size }, 'grace period over with work in flight');
      }
      try {
        await options.onShutdown?.(runtime);
      } catch (error) {
        logger.warn({ err: error }, 'the app’s shutdown step failed');
      }
      await publisher.flush();
      // Past the grace period, sockets still open are cut so the process can exit.
      if (server && 'closeAllConnections' in server) server.closeAllConnections();
      await serverClosed;
      closed = true;
      await pubsub.close();
      await firestore.terminate();
      logger.flush();
    },
  };
}

export interface ConsumerServiceOptions extends Omit<ServiceOptions, 'subscriptions'> {
  subscriptions: readonly AnySubscription[];
}

/** The one-consumer case: a service that is its subscriptions and nothing else. */
export function createConsumerService(options: ConsumerServiceOptions): Service {
  return createService(options);
}

/**
 * Runs a service until SIGTERM/SIGINT (Cloud Run sends SIGTERM before stopping an instance), with
 * the process's tracing as `TRACING` says.
 */
export async function runService(service: Service): Promise<void> {
  const tracing = await startTracing({
    service: service.config.service,
    projectId: service.config.projectId,
    mode: service.config.tracing,
  });
  await service.listen();
  const stop = (signal: string) => {
    service.logger.info({ signal }, 'signal received');
    service
      .shutdown()
      .then(() => tracing.shutdown())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        service.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
