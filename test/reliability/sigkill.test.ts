// The billing worker, as its own process, killed with SIGKILL twice while usage, windows and
// credits are in flight; its supervisor restarts it. Nothing lost, nothing charged twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformUnderTest, startPlatformUnderTest } from '../support/platform';
import { account, record, runLifecycles, type ScenarioReport } from './workload';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('reliability: an app killed mid-flight', () => {
  let platform: PlatformUnderTest;
  let report: ScenarioReport;
  const kills: number[] = [];

  beforeAll(async () => {
    platform = await startPlatformUnderTest({ fronts: true, child: 'billing-worker' });
    const child = platform.child;
    if (!child) throw new Error('no child process');
    const kill = () => {
      const pid = child.process.pid;
      if (pid) {
        process.kill(pid, 'SIGKILL');
        kills.push(pid);
      }
    };
    const untilRestarted = async (killed: number | undefined) => {
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        const pid = child.process.pid;
        const healthy =
          pid !== undefined &&
          pid !== killed &&
          (await fetch(`${platform.urls[child.app]}/healthz`).then(
            (res) => res.ok,
            () => false,
          ));
        if (healthy) return;
        await sleep(100);
      }
      throw new Error(`${child.app} did not come back after SIGKILL`);
    };
    const startedAt = Date.now();
    const killing = (async () => {
      await sleep(1_000);
      kill();
    })();
    const lifecycles = await runLifecycles(platform, {
      users: 5,
      midFlight: async () => {
        await killing;
        // Again once it is back and busy with the redeliveries, the windows and the usage.
        await untilRestarted(kills[0]);
        await sleep(500);
        kill();
      },
    });
    report = await account(platform, lifecycles, {
      scenario: 'sigkill',
      fault: 'billing-worker killed with SIGKILL twice, restarted by its supervisor',
      startedAt,
    });
    record(report);
  }, 600_000);
  afterAll(() => platform?.close());

  it('was killed twice and restarted', () => {
    expect(kills).toHaveLength(2);
    expect(platform.child?.lines.filter((line) => line.includes('exited (SIGKILL)'))).toHaveLength(
      2,
    );
  });

  it('loses nothing and applies nothing twice', () => {
    expect(report.lost_detail).toEqual([]);
    expect(report.double_applied_detail).toEqual([]);
  });
});
