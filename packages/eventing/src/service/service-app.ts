import type { ConsumerName } from '@gpuaas/contracts';
import { pushPath, subscriptionName } from '@gpuaas/contracts';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { every } from 'hono/combine';
import { pushAuth, type VerifyPushToken } from '../auth/push-auth';
import type { Deliver } from '../delivery/deliver';
import { describeError } from '../describe-error';
import type { DeliveryMetrics } from '../metrics';
import { deliveryFields, pushRoute, readPushRequest, safeLog } from '../push/push-route';
import type { AnySubscription } from '../subscription';
import { contextOfHeaders, tracer } from '../tracing/trace-context';
import type { PushReceiver } from './push-receiver';
import type { ServiceRuntime } from './runtime';
import type { Task } from './task';

export interface ServiceAppOptions {
  runtime: ServiceRuntime;
  deliver: Deliver;
  subscriptions: readonly AnySubscription[];
  /** Where each hosted consumer's push routes live; '' (the root) unless the table says else. */
  basePaths?: Partial<Record<ConsumerName, string>>;
  tasks: readonly Task[];
  receivers: readonly PushReceiver[];
  /** The service's own HTTP API: it answers whatever the runtime's routes do not. */
  api?: Hono;
  /** `false` only by explicit local setting: the emulator sends no token. */
  verifyToken: VerifyPushToken | false;
  metrics: DeliveryMetrics;
  ready: () => Promise<boolean>;
  bodyLimitBytes: number;
  inFlight?: { add(delta: number): void };
  isDraining?: () => boolean;
}

const PROBES = new Set(['/healthz', '/readyz']);

/**
 * A SERVER span around an HTTP entry point, continuing the caller's `traceparent` or Cloud
 * Run's `X-Cloud-Trace-Context`: what it publishes carries this trace on.
 */
function serverSpan(c: Context, name: string, handle: () => Promise<Response>): Promise<Response> {
  const parent = contextOfHeaders({
    traceparent: c.req.header('traceparent'),
    cloudTrace: c.req.header('x-cloud-trace-context'),
  });
  return tracer().startActiveSpan(
    name,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': c.req.method, 'url.path': c.req.path },
    },
    parent,
    async (span) => {
      try {
        const response = await handle();
        span.setAttribute('http.response.status_code', response.status);
        if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        return response;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * One Cloud Run service's HTTP surface: health probes, the push routes of every consumer it
 * hosts, its push receivers and scheduler tasks (all under push OIDC auth), then its own API.
 * Nothing ends in Hono's default 500.
 */
export function createServiceApp(options: ServiceAppOptions): Hono {
  const { runtime, isDraining, inFlight } = options;
  const { logger } = runtime;
  const app = new Hono();
  const routes = new Map<string, string>();
  const claim = (path: string, owner: string) => {
    const taken = routes.get(path);
    if (taken) throw new Error(`${path} is claimed twice in one service: ${taken} and ${owner}`);
    routes.set(path, owner);
  };

  app.onError(function unexpectedError(error, c) {
    safeLog(logger, 'warn', { path: c.req.path, err: describeError(error) }, 'request failed');
    return c.json({ error: 'unavailable' }, 503);
  });

  // Every request but the probes counts as in flight from its first byte, so shutdown waits
  // for it; once draining, new work is refused and each socket closes after its reply.
  app.use('*', async function inFlightRequests(c, next) {
    const probe = PROBES.has(c.req.path);
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
  app.get('/readyz', async (c) =>
    (await options.ready()) ? c.json({ status: 'ready' }) : c.json({ status: 'unavailable' }, 503),
  );

  const limit = bodyLimit({
    maxSize: options.bodyLimitBytes,
    onError: (c) => c.json({ error: 'push body too large' }, 413),
  });
  const authenticated: MiddlewareHandler = options.verifyToken
    ? pushAuth(options.verifyToken, logger)
    : async (_c, next) => next();
  // Push routes check the body size before the token (a huge body must not reach the verifier).
  const pushGuard = every(limit, authenticated);

  for (const subscription of options.subscriptions) {
    const basePath = options.basePaths?.[subscription.consumer] ?? '';
    const path = `${basePath}${pushPath(subscription.eventType)}`;
    const name = subscriptionName(subscription.eventType, subscription.consumer);
    claim(path, name);
    app.post(
      path,
      pushGuard,
      pushRoute(subscription, name, options.deliver, {
        logger,
        projectId: runtime.config.projectId,
        metrics: options.metrics,
      }),
    );
  }

  for (const receiver of options.receivers) {
    claim(receiver.path, `receiver ${receiver.path}`);
    app.post(receiver.path, pushGuard, (c: Context) =>
      serverSpan(c, `receive ${receiver.path}`, () => pushReceiver(c)),
    );
    async function pushReceiver(c: Context): Promise<Response> {
      const read = await readPushRequest(c);
      if (!read.ok) return read.response;
      const log = logger.child(deliveryFields(read.message, receiver.path));
      try {
        const answer = await receiver.receive(read.message, { runtime, log });
        if (answer === 'ack') return c.body(null, 204);
        safeLog(log, 'warn', { reason: answer.retry }, 'push will be retried');
        return c.json({ error: answer.retry }, 503);
      } catch (error) {
        safeLog(log, 'warn', { err: describeError(error) }, 'push receiver failed');
        return c.json({ error: 'receiver_failed' }, 503);
      }
    }
  }

  for (const task of options.tasks) {
    const path = `/tasks/${task.name}`;
    claim(path, `task ${task.name}`);
    app.post(path, authenticated, function taskRoute(c: Context) {
      return serverSpan(c, `task ${task.name}`, async () => {
        const log = logger.child({ task: task.name });
        try {
          const result = (await task.run({ runtime, log })) ?? {};
          return c.json(result);
        } catch (error) {
          safeLog(log, 'warn', { err: describeError(error) }, 'task failed');
          return c.json({ error: 'task_failed' }, 503);
        }
      });
    });
  }

  const { api } = options;
  if (api) {
    // Its own middleware, auth and errors: a fetch of its own, not routes merged into ours.
    app.all('*', (c) => serverSpan(c, `HTTP ${c.req.method}`, async () => api.fetch(c.req.raw)));
  }
  return app;
}
