import {
  type Context,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { describeError } from '../describe-error';

/** W3C trace context, used directly: it works whether or not a tracer provider is registered. */
const w3c = new W3CTraceContextPropagator();

export const tracer = () => trace.getTracer('@gpuaas/eventing');

/**
 * The trace a message belongs to: our own `traceparent` attribute, else the one
 * `@google-cloud/pubsub`'s tracing writes (`googclient_traceparent`).
 */
export function contextOfAttributes(attributes: Readonly<Record<string, string>>): Context {
  const carrier: Record<string, string> = {};
  const traceparent = attributes.traceparent ?? attributes.googclient_traceparent;
  if (traceparent) carrier.traceparent = traceparent;
  if (attributes.tracestate) carrier.tracestate = attributes.tracestate;
  return w3c.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
}

/** `traceparent` (and `tracestate`) of `ctx` as message attributes; {} without a valid span. */
export function traceAttributes(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, defaultTextMapSetter);
  return carrier;
}

/**
 * The context an HTTP request continues: W3C `traceparent`, else Google's
 * `X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=1` (Cloud Run and Cloud Scheduler send it).
 */
export function contextOfHeaders(headers: {
  traceparent?: string | null;
  cloudTrace?: string | null;
}): Context {
  if (headers.traceparent) {
    const extracted = w3c.extract(
      ROOT_CONTEXT,
      { traceparent: headers.traceparent },
      defaultTextMapGetter,
    );
    if (trace.getSpanContext(extracted)) return extracted;
  }
  const match = /^([0-9a-f]{32})\/(\d+)(?:;o=([01]))?/i.exec(headers.cloudTrace ?? '');
  if (!match?.[1] || !match[2]) return ROOT_CONTEXT;
  const spanId = BigInt(match[2]).toString(16).padStart(16, '0').slice(-16);
  if (/^0+$/.test(match[1]) || /^0+$/.test(spanId)) return ROOT_CONTEXT;
  const parent: SpanContext = {
    traceId: match[1].toLowerCase(),
    spanId,
    traceFlags: match[3] === '1' ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  };
  return trace.setSpanContext(ROOT_CONTEXT, parent);
}

/** Cloud Logging's trace fields for a span, so its log lines group under its trace. */
export function logTraceFields(projectId: string, span: Span | undefined): Record<string, unknown> {
  const spanContext = span?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return {};
  return {
    'logging.googleapis.com/trace': `projects/${projectId}/traces/${spanContext.traceId}`,
    'logging.googleapis.com/spanId': spanContext.spanId,
    'logging.googleapis.com/trace_sampled': (spanContext.traceFlags & TraceFlags.SAMPLED) === 1,
  };
}

/** The span context a `traceparent` names, for a link; undefined when it names none. */
export function spanContextOfTraceparent(traceparent: string | undefined): SpanContext | undefined {
  if (!traceparent) return undefined;
  const linked = trace.getSpanContext(contextOfAttributes({ traceparent }));
  return linked && trace.isSpanContextValid(linked) ? linked : undefined;
}

/** Runs `work` in a child span of the active one; a throw marks the span failed. */
export async function inSpan<T>(
  name: string,
  attributes: Record<string, string | number | boolean>,
  work: () => Promise<T>,
  links: readonly SpanContext[] = [],
): Promise<T> {
  const options = { attributes, links: links.map((context) => ({ context })) };
  return tracer().startActiveSpan(name, options, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

let contextReady = false;

/**
 * Makes the active span follow async work (AsyncLocalStorage) even when no tracer provider is
 * registered, so log lines and published messages carry the trace of what they belong to.
 */
export function ensureContextManager(): void {
  if (contextReady) return;
  contextReady = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}
