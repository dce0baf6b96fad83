import { type Counter, type Meter, metrics } from '@opentelemetry/api';

/** The labels a delivery is counted under: one series per subscription, outcome and reason. */
export interface DeliveryLabels {
  subscription: string;
  consumer: string;
  outcome: string;
  /** Dead-letter or retry reason; '' for processed, duplicate and skipped. */
  reason: string;
}

export interface DeliveryMetrics {
  record(labels: DeliveryLabels): void;
  /** Counts since start, keyed `subscription|outcome|reason`: what `/metrics`-less tests read. */
  snapshot(): Record<string, number>;
}

/**
 * Delivery outcomes as the OpenTelemetry counter `eventing.deliveries` (exported wherever the
 * process registers a MeterProvider; a no-op otherwise) and as an in-process tally.
 */
export function createDeliveryMetrics(
  meter: Meter = metrics.getMeter('@gpuaas/eventing'),
): DeliveryMetrics {
  const counter: Counter = meter.createCounter('eventing.deliveries', {
    description: 'Pub/Sub push deliveries by subscription, outcome and reason',
    unit: '{delivery}',
  });
  const tally = new Map<string, number>();
  return {
    record(labels) {
      counter.add(1, { ...labels });
      const key = `${labels.subscription}|${labels.outcome}|${labels.reason}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    },
    snapshot: () => Object.fromEntries(tally),
  };
}
