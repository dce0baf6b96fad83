import { performance } from 'node:perf_hooks';
import type { Firestore } from '@google-cloud/firestore';
import { pushPath, subscriptionName } from '@gpuaas/contracts';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { pushAuth, type VerifyPushToken } from '../auth/push-auth';
import { DEFAULT_PUSH_BODY_LIMIT_BYTES } from '../config';
import type { Deliver } from '../delivery';
import { traceField } from '../logger';
import type { Outbox } from '../outbox/outbox';
import type { AnySubscription } from '../subscription';
import { readPushBody } from './push-body';

export interface PushAppOptions {
  subscriptions: readonly AnySubscription[];
  deliver: Deliver;
  firestore: Firestore;
  logger: Logger;
  projectId: string;
  /** `false` only by explicit local setting: the emulator sends no token. */
  verifyToken: VerifyPushToken | false;
  bodyLimitBytes?: number;
  /** Counts in-flight deliveries so shutdown can wait for them. */
  inFlight?: { add(delta: number): void };
  /** Mounts `POST /tasks/outbox-sweep` (a Cloud Scheduler tick) when given. */
  outbox?: Outbox;
  /** True once shutdown began: new deliveries are refused, sockets close after each reply. */
  isDraining?: () => boolean;
}

/** Mounts `POST /push/<event_type>` per declared subscription, plus health probes. */
export function createPushApp(options: PushAppOptions): Hono {
  const app = new Hono();
  const { logger } = options;

  const { isDraining, inFlight } = options;
  // Every request but the probes counts as in flight from its first byte, so shutdown waits
  // for it; once draining, new work is refused and each socket closes after its reply.
  app.use('*', async function inFlightRequests(c, next) {
    const probe = c.req.path === '/healthz' || c.req.path === '/readyz';
    if (isDraining?.()) {
      c.header('connection', 'close');
      if (!probe) return c.json({ error: 'shutting_down' }, 503);
    }
    if (probe) return next();
    inFlight?.add(1);
    try {
      await next();
    } finally {
      inFlight?.add(-1);
    }
    if (isDraining?.()) c.header('connection', 'close');
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        options.firestore.collection('_readiness').limit(1).get(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('firestore timed out')), 2000);
        }),
      ]);
      return c.json({ status: 'ready' });
    } catch (error) {
      return c.json({ status: 'unavailable', reason: (error as Error).message }, 503);
    } finally {
      clearTimeout(timer);
    }
  });

  app.use(
    '/push/*',
    bodyLimit({
      maxSize: options.bodyLimitBytes ?? DEFAULT_PUSH_BODY_LIMIT_BYTES,
      onError: (c) => c.json({ error: 'push body too large' }, 413),
    }),
  );
  if (options.verifyToken) {
    app.use('/push/*', pushAuth(options.verifyToken));
    app.use('/tasks/*', pushAuth(options.verifyToken));
  }

  const { outbox } = options;
  if (outbox) {
    // Re-drives events committed by a process that died before publishing them.
    app.post('/tasks/outbox-sweep', async function outboxSweep(c) {
      try {
        const result = await outbox.sweep();
        if (result.published + result.failed > 0) {
          logger[result.failed > 0 ? 'warn' : 'info'](
            result,
            'outbox sweep re-drove stranded events',
          );
        }
        return c.json(result, result.failed > 0 ? 503 : 200);
      } catch (error) {
        logger.warn({ err: error }, 'outbox sweep failed');
        return c.json({ error: 'outbox_sweep_failed', detail: (error as Error).message }, 503);
      }
    });
  }

  const seen = new Set<string>();
  for (const subscription of options.subscriptions) {
    if (seen.has(subscription.eventType)) {
      throw new Error(`two subscriptions for ${subscription.eventType} in one app`);
    }
    seen.add(subscription.eventType);
    app.post(pushPath(subscription.eventType), async function pushRoute(c) {
      const started = performance.now();
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json({ error: 'push body is not JSON' }, 400);
      }
      const read = readPushBody(body);
      if (!read.ok) return c.json({ error: read.reason }, 400);
      const { message } = read;
      const log = logger.child({
        ...traceField(options.projectId, {
          cloudTrace: c.req.header('x-cloud-trace-context'),
          traceparent: c.req.header('traceparent'),
        }),
        event_id: message.attributes.event_id,
        event_type: message.attributes.event_type ?? subscription.eventType,
        correlation_id: message.attributes.correlation_id,
        subscription:
          message.subscription ?? subscriptionName(subscription.eventType, subscription.consumer),
        message_id: message.messageId,
        delivery_attempt: message.deliveryAttempt,
      });
      const result = await options.deliver(subscription, message, log);
      const duration_ms = Math.round(performance.now() - started);
      if (result.status === 204) {
        log.info({ outcome: result.outcome, duration_ms }, 'delivery acknowledged');
        return c.body(null, 204);
      }
      log.warn(
        { outcome: result.outcome, reason: result.reason, detail: result.detail, duration_ms },
        'delivery will be retried',
      );
      return c.json({ error: result.reason, detail: result.detail }, result.status);
    });
  }
  return app;
}
