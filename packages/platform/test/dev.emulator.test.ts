import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { EVENT_TYPES } from '@gpuaas/contracts';
import { pubsubClient, uniqueProjectId } from '@gpuaas/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { localApps } from '../src/apps';

const require = createRequire(import.meta.url);
const PORT_OFFSET = 20_000;

const portOf = (host: string | undefined) => host?.split(':').pop() ?? '';
const isUp = (url: string) =>
  fetch(`${url}/healthz`).then(
    (res) => res.ok,
    () => false,
  );

describe('pnpm dev', () => {
  let child: ChildProcess | undefined;
  let output = '';
  afterAll(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  const project = uniqueProjectId('dev');
  const apps = localApps(PORT_OFFSET);
  let exited: Promise<number | null> = Promise.resolve(null);

  it('runs every app on its port with the bus and the demo user, and says when it is ready', async () => {
    // The emulators of the test run (global setup): dev reuses them and leaves them up.
    child = spawn(
      process.execPath,
      [
        '--import',
        require.resolve('tsx'),
        new URL('../src/cli.ts', import.meta.url).pathname,
        '--project',
        project,
        '--port-offset',
        String(PORT_OFFSET),
        '--pubsub-port',
        portOf(process.env.PUBSUB_EMULATOR_HOST),
        '--firestore-port',
        portOf(process.env.FIRESTORE_EMULATOR_HOST),
      ],
      // Its own process group, as a terminal's foreground job: Ctrl-C signals the whole group.
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    await expect
      .poll(() => output, { timeout: 240_000, interval: 250 })
      .toContain('GPUaaS platform ready');

    // The whole bus of the catalog, in this project.
    const pubsub = pubsubClient(project);
    const [topics] = await pubsub.getTopics();
    const names = topics.map((topic) => topic.name.split('/').pop());
    for (const eventType of EVENT_TYPES) expect(names).toContain(eventType);
    await pubsub.close();

    // Every app answers on its port, named in the banner; not a TTY here, so lines are JSON.
    for (const app of apps) {
      expect(await isUp(app.url)).toBe(true);
      expect(output).toContain(app.url);
    }
    expect(output).toContain('demo user API key');
    const orchestrator = apps.find((app) => app.name === 'orchestrator');
    if (orchestrator) {
      const key = /demo user API key\s+(\S+)/.exec(output)?.[1];
      const res = await fetch(`${orchestrator.url}/v1/allocations`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(200);
    }
  }, 300_000);

  it('`pnpm demo` plays the scenario through the whole catalog against it and exits 0', async () => {
    const demo = spawn(
      process.execPath,
      [
        '--import',
        require.resolve('tsx'),
        new URL('../src/demo-cli.ts', import.meta.url).pathname,
        '--project',
        project,
        '--port-offset',
        String(PORT_OFFSET),
        '--pubsub-host',
        process.env.PUBSUB_EMULATOR_HOST ?? '',
        '--firestore-host',
        process.env.FIRESTORE_EMULATOR_HOST ?? '',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let printed = '';
    demo.stdout.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    demo.stderr.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => demo.once('exit', resolve));
    expect(printed).toContain('Every step happened.');
    expect(code).toBe(0);
    // Not a TTY: one line per step, none failed; then the timeline, the ledger check, notifications.
    expect(printed).not.toContain('FAILED');
    expect(printed.match(/^ {2}ok \[\d+\/\d+\]/gm)?.length).toBeGreaterThanOrEqual(10);
    expect(printed).toContain('Event timeline');
    expect(printed).toMatch(
      /platform\.billing\.balance_depleted\s+billing-worker → provisioning-worker\s+applied/,
    );
    expect(printed).toContain('Ledger check: ok');
    expect(printed).toMatch(/Notifications \([1-9]\d*\):/);
  }, 300_000);

  it('names and restarts a crashed app, and Ctrl-C stops everything it started', async () => {
    if (!child) throw new Error('pnpm dev did not start');
    const victim = apps[0];
    if (victim) {
      const pid = Number(
        new RegExp(`started ${victim.name} on \\S+ \\(pid (\\d+)\\)`).exec(output)?.[1],
      );
      process.kill(pid, 'SIGKILL');
      await expect
        .poll(() => output, { timeout: 20_000 })
        .toContain(`${victim.name} exited (SIGKILL)`);
      await expect.poll(() => isUp(victim.url), { timeout: 60_000, interval: 500 }).toBe(true);
    }

    expect(child.exitCode).toBeNull();
    process.kill(-(child.pid as number), 'SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('received SIGINT');
    for (const app of apps) expect(await isUp(app.url)).toBe(false);
    // Nothing it started is left: every app process it reported is gone.
    const pids = [...output.matchAll(/\(pid (\d+)\)/g)].map((match) => Number(match[1]));
    expect(pids.length).toBeGreaterThanOrEqual(apps.length);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(pids.filter(alive)).toEqual([]);
  }, 120_000);
});
