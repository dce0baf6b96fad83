// One trace from `POST /v1/allocations` through provisioning, billing and the notification relay.

import { startTracing, type Tracing } from '@gpuaas/eventing';
import { paidCheckout } from '@gpuaas/platform';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformUnderTest, startPlatformUnderTest } from '../support/platform';

describe('one trace across the platform', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    tracing = await startTracing({ service: 'e2e', projectId: 'p', mode: 'console', exporter });
    platform = await startPlatformUnderTest();
  });
  afterAll(async () => {
    await platform?.close();
    await tracing?.shutdown();
  });

  const inTrace = (traceId: string) =>
    exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  const byId = (spans: ReadableSpan[]) => new Map(spans.map((s) => [s.spanContext().spanId, s]));
  /** The chain of span names from a span up to the root of its trace. */
  const ancestry = (span: ReadableSpan, spans: ReadableSpan[]) => {
    const index = byId(spans);
    const names: string[] = [];
    let current: ReadableSpan | undefined = span;
    while (current) {
      names.push(current.name);
      const parent: string | undefined = current.parentSpanContext?.spanId;
      current = parent ? index.get(parent) : undefined;
    }
    return names;
  };

  it('follows an allocation from the API call to its notification, parent by parent', async () => {
    const { userId, apiKey } = await platform.user();
    expect((await platform.stripeWebhook(paidCheckout(userId, 5_000))).status).toBe(200);
    const traceId = 'a'.repeat(8) + Date.now().toString(16).padStart(24, '0');
    const res = await fetch(`${platform.urls.orchestrator}/v1/allocations`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': `trace-${userId}`,
        traceparent: `00-${traceId}-${'b'.repeat(16)}-01`,
      },
      body: JSON.stringify({ gpu_type: 'h100', gpu_count: 1 }),
    });
    expect(res.status).toBe(202);
    const find = (name: string) => inTrace(traceId).find((s) => s.name === name);
    await expect
      .poll(() => find('deliver gpuaas.provisioning.active.notification-relay'), {
        timeout: 60_000,
      })
      .toBeDefined();
    await expect
      .poll(() => find('deliver gpuaas.provisioning.active.billing-worker'), { timeout: 60_000 })
      .toBeDefined();
    const spans = inTrace(traceId);
    // The relay's delivery descends from the worker's handler, which descends from the API call.
    const relay = find('deliver gpuaas.provisioning.active.notification-relay') as ReadableSpan;
    const chain = ancestry(relay, spans);
    expect(chain).toEqual(
      expect.arrayContaining([
        'publish gpuaas.provisioning.active',
        'handle gpuaas.provisioning.requested',
        'deliver gpuaas.provisioning.requested.provisioning-worker',
        'publish gpuaas.provisioning.requested',
        'HTTP POST',
      ]),
    );
    expect(chain.at(-1)).toBe('HTTP POST');
    const http = spans.find((s) => s.name === 'HTTP POST') as ReadableSpan;
    expect(http.parentSpanContext?.spanId).toBe('b'.repeat(16));
    // Billing continues the same trace from the same publish.
    const billing = find('deliver gpuaas.provisioning.active.billing-worker') as ReadableSpan;
    expect(billing.parentSpanContext?.spanId).toBe(relay.parentSpanContext?.spanId);
  }, 180_000);
});
