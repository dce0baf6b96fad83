import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeEmulator } from '../src/http-probe';
import {
  acquireSharedEmulators,
  EmulatorStartError,
  type SharedEmulatorOptions,
  waitFor,
} from '../src/index';
import { readLockOwner } from '../src/lock-file';
import { isGroupAlive } from '../src/process-group';
import { isProcessAlive } from '../src/process-liveness';
import { statePaths } from '../src/state-dir';
import { readState } from '../src/supervisor-state';
import { cleanEnv, deadPid, fakeCommands, recordedStarts, tempDir } from './helpers';

// Unit level: fake emulators (node scripts) behind the real supervisor, lock and leases.
// The real JVMs go through the same code in the harness test and in this run's global setup.
function setup(extra: string[] = [], lingerMs = 400) {
  const stateDir = tempDir('testkit-shared-');
  const record = join(stateDir, 'starts.log');
  const options: SharedEmulatorOptions = {
    stateDir,
    lingerMs,
    env: cleanEnv(),
    commands: fakeCommands(record, extra),
    stopGraceMs: 1_000,
    acquireTimeoutMs: 20_000,
  };
  return { stateDir, record, options, paths: statePaths(stateDir) };
}

async function supervisorPid(stateDir: string): Promise<number> {
  const owner = await readLockOwner(statePaths(stateDir).lock);
  if (!owner) throw new Error('no supervisor holds the lock');
  return owner.pid;
}

async function expectAllGone(stateDir: string, record: string, supervisor: number) {
  await waitFor(() => !isProcessAlive(supervisor), {
    timeoutMs: 20_000,
    message: 'supervisor exit',
  });
  for (const start of recordedStarts(record)) {
    expect(isProcessAlive(start.pid)).toBe(false);
    expect(isGroupAlive(start.pid)).toBe(false);
    if (start.childPid) expect(isProcessAlive(start.childPid)).toBe(false);
  }
  expect(existsSync(statePaths(stateDir).lock)).toBe(false);
  expect(existsSync(statePaths(stateDir).state)).toBe(false);
}

// Each test has its own state directory, so they can run side by side.
describe.concurrent('acquireSharedEmulators', () => {
  it('gives concurrent acquirers one pair, and stops it a linger after the last release', async () => {
    const { stateDir, record, options } = setup(['--child']);
    const [a, b, c] = await Promise.all([
      acquireSharedEmulators(options),
      acquireSharedEmulators(options),
      acquireSharedEmulators(options),
    ]);
    expect(b.pubsubHost).toBe(a.pubsubHost);
    expect(c.firestoreHost).toBe(a.firestoreHost);
    expect(await probeEmulator(a.pubsubHost)).toBe(true);
    // One pair only, however many supervisors the race spawned.
    expect(
      recordedStarts(record)
        .map((s) => s.name)
        .sort(),
    ).toEqual(['firestore', 'pubsub']);
    const supervisor = await supervisorPid(stateDir);

    await a.stop();
    await b.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // c still holds its lease: well past the linger, the pair is still up.
    expect(isProcessAlive(supervisor)).toBe(true);
    expect(await probeEmulator(c.pubsubHost)).toBe(true);

    const releasedAt = Date.now();
    await c.stop();
    await expectAllGone(stateDir, record, supervisor);
    // Not before the linger (400 ms); how long after depends on the machine's load.
    expect(Date.now() - releasedAt).toBeGreaterThanOrEqual(400);
  });

  it('hands a pair still lingering to the next acquirer (packages run one after another)', async () => {
    const { stateDir, record, options } = setup([], 1_500);
    const first = await acquireSharedEmulators(options);
    const supervisor = await supervisorPid(stateDir);
    await first.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = await acquireSharedEmulators(options);
    expect(second.pubsubHost).toBe(first.pubsubHost);
    expect(await supervisorPid(stateDir)).toBe(supervisor);
    expect(recordedStarts(record)).toHaveLength(2);
    await second.stop();
    await expectAllGone(stateDir, record, supervisor);
  });

  it('starts a fresh pair after the previous one has stopped', async () => {
    const { stateDir, record, options } = setup([], 200);
    const first = await acquireSharedEmulators(options);
    const firstSupervisor = await supervisorPid(stateDir);
    await first.stop();
    await waitFor(() => !isProcessAlive(firstSupervisor), { timeoutMs: 20_000 });
    const second = await acquireSharedEmulators(options);
    const secondSupervisor = await supervisorPid(stateDir);
    expect(secondSupervisor).not.toBe(firstSupervisor);
    expect(recordedStarts(record)).toHaveLength(4);
    await second.stop();
    await expectAllGone(stateDir, record, secondSupervisor);
  });

  it('recovers a stale lock and state left by a dead supervisor', async () => {
    const { stateDir, record, options, paths } = setup();
    const dead = deadPid();
    writeFileSync(paths.lock, JSON.stringify({ pid: dead, nonce: 'stale' }));
    writeFileSync(
      paths.state,
      JSON.stringify({
        supervisor: { pid: dead, nonce: 'stale' },
        status: 'ready',
        updatedAt: 0,
        pubsubHost: '127.0.0.1:1',
        firestoreHost: '127.0.0.1:1',
      }),
    );
    const handle = await acquireSharedEmulators(options);
    expect(handle.pubsubHost).not.toBe('127.0.0.1:1');
    const supervisor = await supervisorPid(stateDir);
    expect(supervisor).not.toBe(dead);
    await handle.stop();
    await expectAllGone(stateDir, record, supervisor);
  });

  it('ignores the lease of a test process that crashed', async () => {
    const { stateDir, record, options, paths } = setup();
    const handle = await acquireSharedEmulators(options);
    const supervisor = await supervisorPid(stateDir);
    // What a SIGKILLed vitest leaves: a lease named by a pid that no longer runs.
    writeFileSync(join(paths.leases, `${deadPid()}-deadbeef`), JSON.stringify({ pid: 1 }));
    await handle.stop();
    await expectAllGone(stateDir, record, supervisor);
    expect(readdirSync(paths.leases)).toEqual([]);
  });

  it('counts a lease held by another live process until that process is killed', async () => {
    const { stateDir, record, options, paths } = setup();
    const handle = await acquireSharedEmulators(options);
    const supervisor = await supervisorPid(stateDir);
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
    });
    const pid = holder.pid as number;
    try {
      writeFileSync(join(paths.leases, `${pid}-cafe`), JSON.stringify({ pid }));
      await handle.stop();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(isProcessAlive(supervisor)).toBe(true);
    } finally {
      holder.kill('SIGKILL');
    }
    await expectAllGone(stateDir, record, supervisor);
  });

  it('escalates to SIGKILL for an emulator group that ignores SIGTERM', async () => {
    const { stateDir, record, options } = setup(['--ignore-sigterm', '--child'], 100);
    const handle = await acquireSharedEmulators({ ...options, stopGraceMs: 300 });
    const supervisor = await supervisorPid(stateDir);
    await handle.stop();
    await expectAllGone(stateDir, record, supervisor);
  });

  it('stops the pair when the supervisor gets SIGTERM', async () => {
    const { stateDir, record, options } = setup([], 60_000);
    const handle = await acquireSharedEmulators(options);
    const supervisor = await supervisorPid(stateDir);
    process.kill(supervisor, 'SIGTERM');
    await expectAllGone(stateDir, record, supervisor);
    await handle.stop();
  });

  it('reports an emulator that fails to start, with its output, and leaves nothing running', async () => {
    const { stateDir, options } = setup(['--fail']);
    const error = await acquireSharedEmulators(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmulatorStartError);
    expect((error as Error).message).toContain('failing on purpose');
    const state = await readState(statePaths(stateDir).state);
    expect(state?.status).toBe('failed');
    expect(existsSync(statePaths(stateDir).lock)).toBe(false);
    expect(readdirSync(statePaths(stateDir).leases)).toEqual([]);
  });

  it('writes what it does to the supervisor log', async () => {
    const { stateDir, options } = setup([], 100);
    const handle = await acquireSharedEmulators(options);
    const supervisor = await supervisorPid(stateDir);
    await handle.stop();
    await waitFor(() => !isProcessAlive(supervisor), { timeoutMs: 20_000 });
    const log = readFileSync(statePaths(stateDir).log, 'utf8');
    expect(log).toContain('ready: pubsub');
    expect(log).toContain('stopped');
  });
});

describe('acquireSharedEmulators under churn', () => {
  it('never hands out a pair that stops while its lease is held (linger 0)', async () => {
    const { stateDir, record, options } = setup([], 0);
    const cycles = async () => {
      for (let i = 0; i < 6; i++) {
        const handle = await acquireSharedEmulators(options);
        expect(await probeEmulator(handle.pubsubHost)).toBe(true);
        // Longer than the supervisor's poll: a pair that was about to stop would be gone by now.
        await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 100));
        expect(await probeEmulator(handle.pubsubHost)).toBe(true);
        expect(await probeEmulator(handle.firestoreHost)).toBe(true);
        await handle.stop();
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 200));
      }
    };
    await Promise.all([cycles(), cycles(), cycles()]);
    const owner = await readLockOwner(statePaths(stateDir).lock);
    if (owner) await waitFor(() => !isProcessAlive(owner.pid), { timeoutMs: 20_000 });
    for (const start of recordedStarts(record)) expect(isGroupAlive(start.pid)).toBe(false);
    // Each pair is a start of both; pairs never overlap, so pubsub and firestore starts match up.
    const names = recordedStarts(record).map((s) => s.name);
    expect(names.filter((n) => n === 'pubsub').length).toBe(
      names.filter((n) => n === 'firestore').length,
    );
  });
});
