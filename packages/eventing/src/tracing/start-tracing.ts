import { trace } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

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
 * The SDK and the exporter load only here, so a service that does not trace starts faster.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  if (registered) return registered;
  if (options.mode === 'off' && !options.exporter) {
    registered = { shutdown: async () => undefined };
    return registered;
  }
  const [{ W3CTraceContextPropagator }, { resourceFromAttributes }, base, { NodeTracerProvider }] =
    await Promise.all([
      import('@opentelemetry/core'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/sdk-trace-node'),
    ]);
  const { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor } = base;
  const exporter =
    options.exporter ??
    (options.mode === 'cloud'
      ? new (await import('@google-cloud/opentelemetry-cloud-trace-exporter')).TraceExporter({
          projectId: options.projectId,
        })
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
