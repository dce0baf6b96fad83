// The provisioning worker, as its own process, loses Firestore for six seconds while it takes
// allocations to active: its port stops listening and every open connection is reset, then it
// comes back. (The emulator keeps its data in memory only: a restarted emulator process would be
// an empty database, which no production outage is.) Nothing lost, nothing applied twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy } from '../support/faults';
import { type PlatformUnderTest, startPlatformUnderTest } from '../support/platform';
import { account, record, runLifecycles, type ScenarioReport } from './workload';

describe('reliability: Firestore stopped and restarted under load', () => {
  let platform: PlatformUnderTest;
  let proxy: TcpProxy;
  let report: ScenarioReport;
  let cut = false;

  beforeAll(async () => {
    proxy = await TcpProxy.start(process.env.FIRESTORE_EMULATOR_HOST ?? '');
    platform = await startPlatformUnderTest({
      fronts: true,
      child: 'provisioning-worker',
      env: { 'provisioning-worker': { FIRESTORE_EMULATOR_HOST: proxy.host } },
    });
    const startedAt = Date.now();
    const lifecycles = await runLifecycles(platform, {
      users: 5,
      midFlight: async () => {
        await proxy.cut();
        cut = true;
        setTimeout(() => void proxy.restore(), 6_000);
      },
    });
    report = await account(platform, lifecycles, {
      scenario: 'firestore-outage',
      fault:
        'Firestore unreachable for the provisioning worker for 6 s (port closed, connections reset)',
      startedAt,
    });
    record(report);
  }, 600_000);
  afterAll(async () => {
    await platform?.close();
    await proxy?.close();
  });

  it('loses nothing and applies nothing twice', () => {
    expect(cut).toBe(true);
    expect(report.lost_detail).toEqual([]);
    expect(report.double_applied_detail).toEqual([]);
  });
});
