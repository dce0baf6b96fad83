// "Where is my event?": a flow whose event one consumer dead-lettered and another applied, found
// by correlation id and by event id, through the API, the CLI and the console in Chromium.
import { mkdirSync } from 'node:fs';
import { waitFor } from '@gpuaas/testkit';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli';
import type { FlowView } from '../src/flows/flow-schema';
import { launchBrowser } from './browser';
import { ACTIVE, activePayload, billingConsumer, relayConsumer, Switchboard } from './fixtures';
import { ReplayHarness } from './harness';

const OUTPUT = new URL('../test-output/', import.meta.url).pathname;

describe('where is my event?', () => {
  let h: ReplayHarness;
  const board = new Switchboard();
  const payload = activePayload();
  const correlationId = `flow-${payload.allocation_id}`;
  let eventId = '';
  let resentId = '';

  beforeAll(async () => {
    h = await ReplayHarness.start('replay-flows');
    await h.archiveSubscription('billing-worker');
    await h.consumer('billing-worker', [billingConsumer(board)]);
    await h.consumer('notification-relay', [relayConsumer()]);
    board.set(payload.allocation_id, 'reject');
    // Produced through a service's outbox, as the provisioning worker would.
    const producer = h.bus.create({ config: h.bus.config('provisioning-worker') });
    const { emitted } = await producer.producer.transact(
      async (_tx, emit) => void emit(ACTIVE, payload),
      { correlationId },
    );
    eventId = emitted[0] as string;
    // Pub/Sub keeps no order: the resend goes once the relay applied the first, or it could be
    // the one applied and the first the duplicate.
    await waitFor(
      async () => {
        const res = await h.api<FlowView>('GET', `/v1/flows/${eventId}`);
        return res.body.events
          ?.find((e) => e.event_id === eventId)
          ?.consumers.some((c) => c.consumer === 'notification-relay' && c.outcome === 'applied');
      },
      { timeoutMs: 50_000, message: 'the relay applying the first event' },
    );
    // The same fact sent again under a new event id: a duplicate where it was applied.
    const again = await producer.producer.transact(
      async (_tx, emit) => void emit(ACTIVE, payload),
      {
        correlationId,
      },
    );
    resentId = again.emitted[0] as string;
  }, 90_000);
  afterAll(() => h.close());

  const flowOf = async (id: string) =>
    waitFor(
      async () => {
        const res = await h.api<FlowView>('GET', `/v1/flows/${id}`);
        const event = res.body.events?.find((e) => e.event_id === eventId);
        const outcome = (consumer: string) =>
          event?.consumers.find((c) => c.consumer === consumer)?.outcome;
        return res.status === 200 &&
          outcome('billing-worker') === 'dead_lettered' &&
          outcome('notification-relay') === 'applied'
          ? res.body
          : undefined;
      },
      { timeoutMs: 60_000, message: 'the flow with one consumer dead-lettered, one applied' },
    );

  it('shows each event, its producer and each catalog consumer’s outcome, by correlation id or event id', async () => {
    const flow = await flowOf(correlationId);
    expect(flow.correlation_id).toBe(correlationId);
    const first = flow.events.find((e) => e.event_id === eventId);
    expect(first).toMatchObject({
      event_type: ACTIVE,
      producer: 'provisioning-worker',
      correlation_id: correlationId,
    });
    expect(first?.published_at).not.toBeNull();
    const billing = first?.consumers.find((c) => c.consumer === 'billing-worker');
    expect(billing?.detail).toContain('handler_rejected');
    expect(billing?.dead_letter_id).toMatch(/^dl_/);
    // The resend: the relay applied the key once, as the first event.
    await expect
      .poll(
        async () => {
          const res = await h.api<FlowView>('GET', `/v1/flows/${correlationId}`);
          return res.body.events
            .find((e) => e.event_id === resentId)
            ?.consumers.find((c) => c.consumer === 'notification-relay')?.outcome;
        },
        { timeout: 30_000 },
      )
      .toBe('duplicate');
    // By event id: the same flow.
    const byEvent = await flowOf(eventId);
    expect(byEvent.correlation_id).toBe(correlationId);
    expect((await h.api('GET', '/v1/flows/nothing-of-that-name')).status).toBe(404);
  });

  it('prints the flow with `pnpm replay trace <id>`', async () => {
    await flowOf(correlationId);
    const lines: string[] = [];
    const code = await runCli(['trace', eventId, '--url', h.replay.url], {
      env: {},
      stdout: { write: (text: string) => void lines.push(text), isTTY: false },
      stderr: { write: () => undefined },
    });
    const output = lines.join('');
    expect(code).toBe(0);
    expect(output).toContain(`flow ${correlationId}`);
    expect(output).toMatch(/billing-worker\s+dead lettered/);
    expect(output).toMatch(/notification-relay\s+applied/);
  });

  describe('in the console', () => {
    let browser: { context: BrowserContext; close: () => Promise<void> };
    let page: Page;
    beforeAll(async () => {
      mkdirSync(OUTPUT, { recursive: true });
      browser = await launchBrowser();
      page = await browser.context.newPage();
    });
    afterAll(() => browser?.close());

    it('finds the flow from the search box and shows both outcomes', async () => {
      await flowOf(correlationId);
      await page.goto(`${h.replay.url}/console`);
      await page.click('header a[href="/console/flows"]');
      await page.fill('#flow-search input[name=id]', correlationId);
      await page.click('#flow-search button[type=submit]');
      await page.waitForURL(/\/console\/flows\?id=/);
      const row = (consumer: string) =>
        page.locator(`#flow tr[data-event-id="${eventId}"][data-consumer="${consumer}"]`);
      expect(await row('billing-worker').textContent()).toContain('dead lettered');
      expect(await row('notification-relay').textContent()).toContain('applied');
      await page.screenshot({ path: `${OUTPUT}console-flow.png`, fullPage: true });
      await row('billing-worker').locator('a', { hasText: 'dead letter' }).click();
      await page.waitForURL(/\/console\/dead-letters\/dl_/);
    });
  });
});
