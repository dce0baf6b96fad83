// The operator console driven in headless Chromium: list, filter, open one, dry run, replay and
// watch its status change, repair refused then accepted; screenshots under test-output/.
import { existsSync, mkdirSync } from 'node:fs';
import { waitFor } from '@gpuaas/testkit';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetterSummary } from '../src/routes/schemas';
import { launchBrowser } from './browser';
import {
  ACTIVE,
  activePayload,
  appliedCount,
  BILLING_APPLIED,
  billingConsumer,
  Switchboard,
} from './fixtures';
import { ReplayHarness } from './harness';
import { published } from './letters';

const OUTPUT = new URL('../test-output/', import.meta.url).pathname;
const HOSTILE = '<img src=x onerror="window.__attributeRan=1">';

describe('operator console in Chromium', () => {
  let h: ReplayHarness;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  const board = new Switchboard();
  const poisoned = [activePayload(), activePayload()];
  const invalidPayload = activePayload();

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    h = await ReplayHarness.start('replay-console');
    await h.archiveSubscription('billing-worker');
    await h.consumer('billing-worker', [billingConsumer(board)]);
    for (const payload of poisoned) {
      board.set(payload.allocation_id, 'reject');
      await h.bus.publish(ACTIVE, payload);
    }
    const invalid = published(ACTIVE, invalidPayload, 'console-invalid');
    const envelope = JSON.parse(invalid.data.toString());
    envelope.payload.gpu_count = 0;
    await h.bus.pubsub.topic(ACTIVE).publishMessage({
      data: Buffer.from(JSON.stringify(envelope)),
      // An attribute a hostile producer chose: shown as text, never run.
      attributes: { ...invalid.attributes, note: HOSTILE },
    });
    await waitFor(
      async () =>
        (await h.api<{ items: DeadLetterSummary[] }>('GET', '/v1/dead-letters')).body.items
          .length === 3,
      {
        timeoutMs: 30_000,
      },
    );
    for (const payload of poisoned) board.set(payload.allocation_id, 'apply');
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('lists, filters, opens one, dry-runs, replays and shows the status change', async () => {
    await page.goto(`${h.replay.url}/console`);
    const groups = page.locator('#groups tbody tr');
    await expect.poll(() => groups.count(), { timeout: 10_000 }).toBe(2);
    expect(
      await page.locator('#groups tr[data-reason="handler_rejected"] td.num').textContent(),
    ).toBe('2');
    expect(
      await page.locator('#groups tr[data-reason="payload_invalid"] td.num').textContent(),
    ).toBe('1');
    expect(await page.locator('#entries tbody tr').count()).toBe(3);
    expect(await page.locator('header .who').textContent()).toContain('local-operator');
    await page.screenshot({ path: `${OUTPUT}console-overview.png`, fullPage: true });
    expect(existsSync(`${OUTPUT}console-overview.png`)).toBe(true);

    await page.selectOption('#filters select[name=consumer]', 'billing-worker');
    await page.fill('#filters input[name=reason]', 'handler_rejected');
    await page.click('#filters button[type=submit]');
    await page.waitForURL(/reason=handler_rejected/);
    expect(await page.locator('#entries tbody tr').count()).toBe(2);

    await page.locator('#entries tbody tr a').first().click();
    await page.waitForURL(/\/console\/dead-letters\/dl_/);
    expect(await page.locator('#reason').textContent()).toContain('handler_rejected');
    expect(await page.locator('#validation').textContent()).toContain('valid');
    expect(await page.locator('#payload').textContent()).toContain('"allocation_id"');
    expect(await page.locator('#replay-effect').textContent()).toContain('would be processed');
    await page.goBack();

    await page.click('#replay-filter button');
    await page.waitForURL(/\/console\/replays\/dry-run$/);
    expect(await page.locator('#to-move').textContent()).toBe('2');
    expect(await page.locator('#invalid').textContent()).toBe('0');
    // The dry run changed nothing.
    for (const payload of poisoned)
      expect(await appliedCount(h.firestore, BILLING_APPLIED, payload.allocation_id)).toBe(0);

    await page.fill('#confirm-form input[name=rate_per_second]', '1');
    await page.fill('#confirm-form input[name=why]', 'billing fixed');
    await page.click('#confirm-form button');
    await page.waitForURL(/\/console\/replays\/rpl_/);
    expect(await page.locator('#replay-status').textContent()).toBe('running');
    // htmx polls the progress fragment: the page changes without a reload.
    await page.waitForSelector('#progress[data-status="completed"]', { timeout: 20_000 });
    expect(await page.locator('#counts').textContent()).toContain('2 of 2 moved');
    await page.screenshot({ path: `${OUTPUT}console-replay-completed.png`, fullPage: true });
    expect(existsSync(`${OUTPUT}console-replay-completed.png`)).toBe(true);
    for (const payload of poisoned) {
      await waitFor(
        async () => (await appliedCount(h.firestore, BILLING_APPLIED, payload.allocation_id)) === 1,
        { timeoutMs: 20_000 },
      );
    }
  }, 90_000);

  it('shows the validation errors, refuses an invalid repair and replays a valid one', async () => {
    await page.goto(`${h.replay.url}/console?reason=payload_invalid`);
    await page.locator('#entries tbody tr a').first().click();
    await page.waitForURL(/\/console\/dead-letters\/dl_/);
    expect(await page.locator('#validation-errors').textContent()).toContain('/payload/gpu_count');
    // Its attributes as published and as the dead-lettering added them, escaped.
    expect(await page.locator('#attributes').textContent()).toContain(HOSTILE);
    expect(await page.locator('#attributes').textContent()).toContain('console-invalid');
    expect(await page.locator('#dead-letter-attributes').textContent()).toContain(
      'payload_invalid',
    );
    expect(
      await page.evaluate(() => (globalThis as { __attributeRan?: number }).__attributeRan),
    ).toBe(undefined);
    // The correlation id leads to its flow.
    const entryUrl = page.url();
    await page.locator('#correlation-flow').click();
    await page.waitForURL(/\/console\/flows\?id=console-invalid/);
    expect(await page.locator('main').textContent()).toContain('dead lettered');
    await page.goto(entryUrl);

    const edited = JSON.stringify({ ...invalidPayload, gpu_count: 0 });
    await page.fill('#repair-form textarea', edited);
    await page.fill('#repair-form input[name=why]', 'still broken');
    await page.click('#repair-form button');
    expect(await page.locator('#repair-errors').textContent()).toContain('/payload/gpu_count');
    expect(await page.locator('#entry-status').textContent()).toBe('parked');

    await page.fill('#repair-form textarea', JSON.stringify({ ...invalidPayload, gpu_count: 4 }));
    await page.fill('#repair-form input[name=why]', 'gpu_count restored');
    await page.click('#repair-form button');
    await page.waitForURL(/\/console\/replays\/rpl_/);
    await page.waitForSelector('#progress[data-status="completed"]', { timeout: 20_000 });
    await waitFor(
      async () =>
        (await appliedCount(h.firestore, BILLING_APPLIED, invalidPayload.allocation_id)) === 1,
      { timeoutMs: 20_000 },
    );
    await page.goto(`${h.replay.url}/console/audit`);
    expect(await page.locator('#audit').textContent()).toContain('repaired');
  }, 60_000);
});
