import { performance } from 'node:perf_hooks';
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { Deliver } from '../delivery/deliver';
import type { DeliveryOutcome } from '../delivery/outcome';
import { describeError } from '../describe-error';
import type { DeliveryMetrics } from '../metrics';
import type { AnySubscription } from '../subscription';
import { contextOfAttributes, contextOfHeaders, tracer } from '../tracing/trace-context';
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
  message: PushMessage,
  subscriptionName: string,
  eventType?: string,
): Record<string, unknown> {
  return {
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

/**
 * The CONSUMER span of one delivery, child of the span that published the message, so the
 * consumer continues the producer's trace. A replayed message was published in a trace of its
 * own, linked to the original (the publisher's rule): its delivery continues that one.
 */
function deliverySpan(
  c: Context,
  message: PushMessage,
  subscriptionName: string,
  eventType: string,
) {
  const fromMessage = contextOfAttributes(message.attributes);
  // A message from a producer that traces nothing still joins the push request's trace.
  const carried = trace.getSpanContext(fromMessage)
    ? fromMessage
    : contextOfHeaders({
        traceparent: c.req.header('traceparent'),
        cloudTrace: c.req.header('x-cloud-trace-context'),
      });
  const isReplay = message.attributes.replay_id !== undefined;
  return tracer().startSpan(
    `deliver ${subscriptionName}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'gcp_pubsub',
        'messaging.operation.type': 'process',
        'messaging.destination.subscription.name': subscriptionName,
        'messaging.message.id': message.messageId,
        'gpuaas.event_type': message.attributes.event_type ?? eventType,
        'gpuaas.event_id': message.attributes.event_id ?? '',
        'gpuaas.correlation_id': message.attributes.correlation_id ?? '',
        ...(isReplay ? { 'gpuaas.replay_id': message.attributes.replay_id } : {}),
      },
    },
    carried,
  );
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
    const span = deliverySpan(c, message, name, subscription.eventType);
    // Every line of the delivery is written inside its span: the logger adds the trace fields.
    return context.with(trace.setSpan(ROOT_CONTEXT, span), async () => {
      let log = options.logger;
      let result: DeliveryOutcome;
      try {
        log = options.logger.child(deliveryFields(message, name, subscription.eventType));
        result = await deliver(subscription, message, log);
      } catch (error) {
        // Whatever escaped the pipeline is classified, not left to Hono's default 500.
        result = { outcome: 'retry', reason: 'internal_error', detail: describeError(error) };
      }
      const reason = 'reason' in result ? result.reason : '';
      span.setAttributes({ 'gpuaas.outcome': result.outcome, 'gpuaas.reason': reason });
      if (result.outcome === 'retry' || result.outcome === 'dead_lettered') {
        span.setStatus({ code: SpanStatusCode.ERROR, message: `${result.outcome}: ${reason}` });
      }
      try {
        return answer(c, subscription, name, result, log, options, started);
      } finally {
        span.end();
      }
    });
  };
}

function answer(
  c: Context,
  subscription: AnySubscription,
  name: string,
  result: DeliveryOutcome,
  log: Logger,
  options: PushRouteOptions,
  started: number,
): Response {
  const reason = 'reason' in result ? result.reason : '';
  options.metrics.record({
    subscription: name,
    consumer: subscription.consumer,
    outcome: result.outcome,
    reason,
  });
  const duration_ms = Math.round(performance.now() - started);
  if (result.outcome !== 'retry') {
    safeLog(log, 'info', { outcome: result.outcome, reason, duration_ms }, 'delivery acknowledged');
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
}
