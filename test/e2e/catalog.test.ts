// `pnpm demo`'s scenario as assertions: every step happens across all apps through real push, and
// every (event type, consumer) row of catalog.json is produced by its producer and applied by that
// consumer at least once.
import { readFileSync } from 'node:fs';
import { reportLines, runScenario, type ScenarioResult } from '@gpuaas/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformUnderTest, startPlatformUnderTest } from '../support/platform';

interface CatalogJson {
  events: { eventType: string; producer: string; consumers: string[] }[];
}
const catalogJson = JSON.parse(
  readFileSync(new URL('../../packages/contracts/catalog.json', import.meta.url), 'utf8'),
) as CatalogJson;

describe('the demo scenario through the whole catalog', () => {
  let platform: PlatformUnderTest;
  let result: ScenarioResult;

  beforeAll(async () => {
    platform = await startPlatformUnderTest({
      env: {
        // europe-west4 cannot terminate instances: the second allocation's release fails for good
        // once its (short) deadline passes.
        'provisioning-worker': {
          SIM_RELEASE_FAILURE_REGIONS: 'europe-west4',
          RELEASE_RETRY_SECONDS: '1',
          RELEASE_DEADLINE_SECONDS: '2',
        },
      },
    });
    result = await runScenario(
      { urls: platform.urls, firestore: platform.bus.firestore, pubsub: platform.bus.pubsub },
      { releaseOutageRegion: 'europe-west4', stepTimeoutMs: 120_000 },
    );
  }, 600_000);
  afterAll(() => platform?.close());

  it('completes every step', () => {
    const failed = result.steps.filter((step) => !step.ok);
    expect(failed, reportLines(result).join('\n')).toEqual([]);
    expect(result.steps).toHaveLength(12);
    expect(result.ok).toBe(true);
  });

  it('produces each of the 13 event types by its catalog producer, applied by each catalog consumer', () => {
    expect(catalogJson.events).toHaveLength(13);
    const coverage = new Map(
      result.coverage.map((row) => [`${row.eventType} ${row.producer} ${row.consumer}`, row]),
    );
    const missing = catalogJson.events.flatMap((event) =>
      event.consumers
        .map((consumer) => `${event.eventType} ${event.producer} ${consumer}`)
        .filter((key) => {
          const row = coverage.get(key);
          return !(row?.produced && row.consumed);
        }),
    );
    expect(missing).toEqual([]);
    expect(new Set(result.timeline.map((row) => row.eventType)).size).toBe(13);
  });

  it('dead-letters the poison event at billing alone, and applies its repair there once', () => {
    const usage = result.timeline.filter(
      (row) => row.correlationId === result.state.poison.correlationId,
    );
    expect(usage.map((row) => [row.eventId, row.consumer, row.outcome])).toEqual([
      [result.state.poison.eventId, 'billing-worker', 'dead_lettered'],
      [result.state.poison.repairedEventId, 'billing-worker', 'applied'],
    ]);
  });

  it('ends with a ledger that checks out and the balance its charges and credit add up to', async () => {
    expect(result.state.ledgerCheck?.ok).toBe(true);
    expect(result.state.balance?.state).toBe('depleted');
    const ledger = await fetch(`${platform.urls['billing-worker']}/v1/ledger?limit=100`, {
      headers: { authorization: `Bearer ${result.state.apiKey}` },
    });
    const entries = (
      (await ledger.json()) as { items: { amount_micros: number; direction: string }[] }
    ).items;
    const sum = entries.reduce(
      (total, e) => total + (e.direction === 'credit' ? e.amount_micros : -e.amount_micros),
      0,
    );
    expect(sum).toBe(result.state.balance?.balance_micros);
  });
});
