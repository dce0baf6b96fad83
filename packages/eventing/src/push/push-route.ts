import { performance } from 'node:perf_hooks';
import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { Deliver } from '../delivery/deliver';
import type { DeliveryOutcome } from '../delivery/outcome';
import { describeError } from '../describe-error';
import { traceField } from '../logger';
import type { DeliveryMetrics } from '../metrics';
import type { AnySubscription } from '../subscription';
import { type PushMessage, readPushBody } from '../wire/push-message';

export interface PushRouteOptions {
  logger: Logger;
  projectId: string;
  metrics: DeliveryMetrics;
}

/** Reads the push wrapper; a body that is not one is the sender's fault (400), never a 500. */
export async function readPushRequest(
  c: Context,
): Promise<{ ok: true; message: PushMessage } | { ok: false; response: Response }> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return { ok: false, response: c.json({ error: 'push body is not JSON' }, 400) };
  }
  const read = readPushBody(body);
  if (!read.ok) return { ok: false, response: c.json({ error: read.reason }, 400) };
  return read;
}

/** The fields every log line of one delivery carries. */
export function deliveryFields(
  c: Context,
  projectId: string,
  message: PushMessage,
  subscriptionName: string,
  eventType?: string,
): Record<string, unknown> {
  return {
    ...traceField(projectId, {
      cloudTrace: c.req.header('x-cloud-trace-context'),
      traceparent: c.req.header('traceparent'),
    }),
    event_id: message.attributes.event_id,
    event_type: message.attributes.event_type ?? eventType,
    correlation_id: message.attributes.correlation_id,
    subscription: subscriptionName,
    message_id: message.messageId,
    delivery_attempt: message.deliveryAttempt,
  };
}

/** Logs without ever throwing: a failing log line must not turn an answer into a 500. */
export function safeLog(log: Logger, level: 'info' | 'warn', fields: object, message: string) {
  try {
    log[level](fields, message);
  } catch {
    // Nothing left to tell it to.
  }
}

/** `POST <basePath>/push/<event_type>` of one subscription: the HTTP face of the delivery. */
export function pushRoute(
  subscription: AnySubscription,
  defaultName: string,
  deliver: Deliver,
  options: PushRouteOptions,
) {
  return async function pushRoute(c: Context): Promise<Response> {
    const started = performance.now();
    const read = await readPushRequest(c);
    if (!read.ok) return read.response;
    const { message } = read;
    const name = message.subscription ?? defaultName;
    let log = options.logger;
    let result: DeliveryOutcome;
    try {
      log = options.logger.child(
        deliveryFields(c, options.projectId, message, name, subscription.eventType),
      );
      result = await deliver(subscription, message, log);
    } catch (error) {
      // Whatever escaped the pipeline is classified, not left to Hono's default 500.
      result = { outcome: 'retry', reason: 'internal_error', detail: describeError(error) };
    }
    const reason = 'reason' in result ? result.reason : '';
    options.metrics.record({
      subscription: name,
      consumer: subscription.consumer,
      outcome: result.outcome,
      reason,
    });
    const duration_ms = Math.round(performance.now() - started);
    if (result.outcome !== 'retry') {
      safeLog(
        log,
        'info',
        { outcome: result.outcome, reason, duration_ms },
        'delivery acknowledged',
      );
      return c.body(null, 204);
    }
    safeLog(
      log,
      'warn',
      { outcome: result.outcome, reason, detail: result.detail, duration_ms },
      'delivery will be retried',
    );
    // The reason only: the detail can carry internals, and it is in the log.
    return c.json({ error: result.reason }, 503);
  };
}
