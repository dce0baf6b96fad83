// Pub/Sub unreachable for the orchestrator while users request allocations: each request commits
// the allocation and its event, the publish after commit fails, and the orchestrator is killed
// before it retries; the outbox sweep of the restarted process publishes. Nothing lost, nothing
// applied twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy } from '../support/faults';
import { type PlatformUnderTest, startPlatformUnderTest } from '../support/platform';
import { account, record, runLifecycles, type ScenarioReport } from './workload';

describe('reliability: a publish failing after commit', () => {
  let platform: PlatformUnderTest;
  let proxy: TcpProxy;
  let report: ScenarioReport;
  let unpublishedAtKill = 0;

  beforeAll(async () => {
    proxy = await TcpProxy.start(process.env.PUBSUB_EMULATOR_HOST ?? '');
    platform = await startPlatformUnderTest({
      fronts: true,
      child: 'orchestrator',
      env: { orchestrator: { PUBSUB_EMULATOR_HOST: proxy.host } },
    });
    const startedAt = Date.now();
    const lifecycles = await runLifecycles(platform, {
      users: 5,
      // Once the credits are in, Pub/Sub goes away for the orchestrator.
      beforeRequests: () => proxy.cut(),
      midFlight: async () => {
        const entries = await platform.bus.firestore
          .collection('outbox')
          .where('published_at', '==', null)
          .get();
        unpublishedAtKill = entries.docs.filter(
          (d) => d.get('topic') === 'gpuaas.provisioning.requested',
        ).length;
        const pid = platform.child?.process.pid;
        if (pid) process.kill(pid, 'SIGKILL');
        await proxy.restore();
      },
    });
    report = await account(platform, lifecycles, {
      scenario: 'publish-failure',
      fault: 'Pub/Sub unreachable for the orchestrator after commit; killed before a retry',
      startedAt,
    });
    record(report);
  }, 600_000);
  afterAll(async () => {
    await platform?.close();
    await proxy?.close();
  });

  it('had committed requests whose publish had not happened', () => {
    expect(unpublishedAtKill).toBeGreaterThan(0);
  });

  it('loses nothing and applies nothing twice', () => {
    expect(report.lost_detail).toEqual([]);
    expect(report.double_applied_detail).toEqual([]);
  });
});
