// Billing and the notification relay answer every push 503 for eight seconds while allocations
// start; Pub/Sub retries with backoff. Nothing lost, nothing applied twice, nothing dead-lettered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformUnderTest, startPlatformUnderTest } from '../support/platform';
import { account, record, runLifecycles, type ScenarioReport } from './workload';

describe('reliability: consumers failing transiently', () => {
  let platform: PlatformUnderTest;
  let report: ScenarioReport;

  beforeAll(async () => {
    platform = await startPlatformUnderTest({ fronts: true });
    const failing = [platform.fronts['billing-worker'], platform.fronts['notification-relay']];
    const startedAt = Date.now();
    const lifecycles = await runLifecycles(platform, {
      users: 5,
      midFlight: async () => {
        for (const front of failing) if (front) front.failing = true;
        setTimeout(() => {
          for (const front of failing) if (front) front.failing = false;
        }, 8_000);
      },
    });
    report = await account(platform, lifecycles, {
      scenario: 'transient',
      fault: 'billing-worker and notification-relay answer 503 for 8 s',
      startedAt,
    });
    record(report);
  }, 600_000);
  afterAll(() => platform?.close());

  it('refused deliveries while failing', () => {
    expect(platform.fronts['notification-relay']?.counts.refused).toBeGreaterThan(0);
  });

  it('loses nothing and applies nothing twice', () => {
    expect(report.lost_detail).toEqual([]);
    expect(report.double_applied_detail).toEqual([]);
  });

  it('dead-letters nothing: the retries outlast the outage', () => {
    expect(report.dead_lettered).toBe(0);
  });
});
