import { TraceExporter } from '@google-cloud/opentelemetry-cloud-trace-exporter';
import { trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export type TracingMode = 'cloud' | 'console' | 'off';

export interface TracingOptions {
  service: string;
  projectId: string;
  mode: TracingMode;
  /** Takes the place of the mode's exporter (tests pass an in-memory one). */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** Flushes the spans still buffered and stops the provider. */
  shutdown(): Promise<void>;
}

let registered: Tracing | undefined;

/**
 * Registers the process's tracer provider once: Cloud Trace in production, the console or
 * nothing locally. Until it runs, spans are not recorded but trace context still propagates.
 */
export function startTracing(options: TracingOptions): Tracing {
  if (registered) return registered;
  if (options.mode === 'off' && !options.exporter) {
    registered = { shutdown: async () => undefined };
    return registered;
  }
  const exporter =
    options.exporter ??
    (options.mode === 'cloud'
      ? new TraceExporter({ projectId: options.projectId })
      : new ConsoleSpanExporter());
  const processor =
    options.mode === 'cloud' ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.service }),
    spanProcessors: [processor],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  registered = {
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      registered = undefined;
    },
  };
  return registered;
}
