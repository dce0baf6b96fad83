// Every event of every allocation lifecycle published three times, concurrently; Stripe's
// webhooks three times at once. Nothing lost, nothing applied twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformUnderTest, startPlatformUnderTest } from '../support/platform';
import { startStorm } from './storm';
import { account, record, runLifecycles, type ScenarioReport } from './workload';

describe('reliability: at-least-once storm', () => {
  let platform: PlatformUnderTest;
  let report: ScenarioReport;

  beforeAll(async () => {
    platform = await startPlatformUnderTest({ fronts: true });
    const storm = await startStorm(platform);
    const startedAt = Date.now();
    const lifecycles = await runLifecycles(platform, { users: 5, webhookCopies: 3 });
    report = await account(platform, lifecycles, {
      scenario: 'storm',
      fault: 'every event published 3 times at once; webhooks 3 times at once',
      startedAt,
      injected: storm.injected,
    });
    await storm.stop();
    record(report);
  }, 600_000);
  afterAll(() => platform?.close());

  it('loses nothing and applies nothing twice', () => {
    expect(report.lost_detail).toEqual([]);
    expect(report.double_applied_detail).toEqual([]);
  });

  it('absorbed the copies as duplicates', () => {
    // Two copies of each event, for each of its consumers: acknowledged without a second effect.
    expect(report.published).toBeGreaterThan(0);
    expect(report.duplicates_absorbed).toBeGreaterThan(report.applied);
    expect(report.dead_lettered).toBe(0);
  });
});
