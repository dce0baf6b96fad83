// One trace from `POST /v1/allocations` through provisioning, billing and the notification relay,
// across the outbox relays; a replayed dead letter in a trace of its own, linked to its first.

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
  /** The finished span of that name that links to a span of `traceId`'s trace. */
  const linkedTo = (name: string, traceId: string) =>
    exporter
      .getFinishedSpans()
      .find((s) => s.name === name && s.links.some((l) => l.context.traceId === traceId));
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
    // Both events left through the transactional outbox: its relay published them after the
    // commit (the API call's, the worker delivery's), and the trace went on across it.
    const relays = spans.filter((s) => s.name === 'outbox.relay');
    expect(relays.length).toBeGreaterThanOrEqual(2);
    const index = byId(spans);
    expect(relays.map((r) => index.get(r.parentSpanContext?.spanId ?? '')?.name).sort()).toEqual(
      expect.arrayContaining([
        'HTTP POST',
        'deliver gpuaas.provisioning.requested.provisioning-worker',
      ]),
    );
    expect(chain.at(-1)).toBe('HTTP POST');
    // The relay's handler (the notification stored) runs inside its delivery.
    const handlers = spans.filter((s) => s.name === 'handle gpuaas.provisioning.active');
    expect(
      handlers.some((h) =>
        ancestry(h, spans).includes('deliver gpuaas.provisioning.active.notification-relay'),
      ),
    ).toBe(true);
    const http = spans.find((s) => s.name === 'HTTP POST') as ReadableSpan;
    expect(http.parentSpanContext?.spanId).toBe('b'.repeat(16));
    // Billing continues the same trace from the same publish.
    const billing = find('deliver gpuaas.provisioning.active.billing-worker') as ReadableSpan;
    expect(billing.parentSpanContext?.spanId).toBe(relay.parentSpanContext?.spanId);

    // A metered interval is the meter tick's work, in the tick's own trace; its transaction links
    // to the API call's trace, and billing charges the interval in the tick's trace.
    await new Promise((r) => setTimeout(r, 2_000));
    await platform.tick('provisioning-worker', 'meter');
    const linkedToTheCall = () => linkedTo('firestore.transaction', traceId);
    await expect.poll(linkedToTheCall, { timeout: 30_000 }).toBeDefined();
    const metering = linkedToTheCall() as ReadableSpan;
    const tickTrace = metering.spanContext().traceId;
    expect(tickTrace).not.toBe(traceId);
    // The delivery ends after its handler: once it has, the whole chain is exported.
    await expect
      .poll(
        () =>
          inTrace(tickTrace).find(
            (s) => s.name === 'deliver platform.billing.usage.metered.billing-worker',
          ),
        { timeout: 60_000 },
      )
      .toBeDefined();
    const charge = inTrace(tickTrace).find(
      (s) => s.name === 'handle platform.billing.usage.metered',
    ) as ReadableSpan;
    expect(ancestry(charge, inTrace(tickTrace))).toEqual(
      expect.arrayContaining([
        'deliver platform.billing.usage.metered.billing-worker',
        'publish platform.billing.usage.metered',
      ]),
    );
  }, 180_000);

  it('a dead letter replayed through the replay app starts a new trace, linked to its first', async () => {
    const { userId } = await platform.user();
    const original = 'c'.repeat(8) + Date.now().toString(16).padStart(24, '0');
    const resource = `trace-replay-${Date.now()}`;
    const usage = {
      usage_event_id: `${resource}:2026-06-01T00:00:00Z`,
      user_id: userId,
      product_code: 'gpu',
      resource_id: resource,
      sku: 'h100',
      unit: 'gpu_second',
      quantity: 60,
      interval_start: '2026-06-01T00:00:00Z',
      interval_end: '2026-06-01T00:01:00Z',
      is_final: false,
    };
    // A metered product's event in its own trace, off its schema: billing dead-letters it.
    const eventId = await platform.bus.publishUnchecked(
      'platform.billing.usage.metered',
      '1.0',
      { ...usage, quantity: '60' },
      { traceparent: `00-${original}-${'d'.repeat(16)}-01` },
    );
    const replay = (path: string, init: RequestInit = {}) =>
      fetch(`${platform.urls.replay}${path}`, {
        ...init,
        headers: { 'content-type': 'application/json' },
      });
    let entryId: string | undefined;
    await expect
      .poll(
        async () => {
          const page = (await (
            await replay('/v1/dead-letters?consumer=billing-worker&status=parked&limit=100')
          ).json()) as { items: { id: string; event_id: string | null }[] };
          entryId = page.items.find((e) => e.event_id === eventId)?.id;
          return entryId;
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBeDefined();
    const repaired = await replay(`/v1/dead-letters/${entryId}/repairs`, {
      method: 'POST',
      body: JSON.stringify({ payload_json: JSON.stringify(usage), reason: 'quantity as text' }),
    });
    expect(repaired.status).toBe(201);
    // The replay app's publish: a trace of its own, linked to the one the event was first in.
    const replayPublish = () => linkedTo('publish platform.billing.usage.metered', original);
    await expect
      .poll(
        async () => {
          await platform.tick('replay', 'run-replays');
          return replayPublish();
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBeDefined();
    const publish = replayPublish() as ReadableSpan;
    const replayTrace = publish.spanContext().traceId;
    expect(replayTrace).not.toBe(original);
    // Billing's delivery of the replay continues that trace, from that publish, to its handler.
    await expect
      .poll(
        () => inTrace(replayTrace).find((s) => s.name === 'handle platform.billing.usage.metered'),
        { timeout: 30_000 },
      )
      .toBeDefined();
    const delivery = inTrace(replayTrace).find(
      (s) => s.name === 'deliver platform.billing.usage.metered.billing-worker',
    ) as ReadableSpan;
    expect(delivery.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
    expect(delivery.attributes['gpuaas.replay_id']).toBeDefined();
  }, 180_000);
});
