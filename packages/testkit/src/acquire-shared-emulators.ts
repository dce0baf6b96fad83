import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { reviveError, SupervisorError } from './errors';
import { probeEmulator } from './http-probe';
import { type EmulatorCommands, resolveEmulatorCommands } from './installation';
import { type Lease, takeLease } from './leases';
import { isLockHeld, readLockOwner } from './lock-file';
import { killProcessGroupNow } from './process-group';
import { isProcessAlive } from './process-liveness';
import {
  EMULATOR_HOST_VARS,
  type EmulatorHandle,
  type StartEmulatorsOptions,
} from './start-emulators';
import { ensureStateDir, resolveStateDir, type StatePaths, statePaths } from './state-dir';
import { readState, SUPERVISOR_CONFIG_VAR, type SupervisorConfig } from './supervisor-state';

export interface SharedEmulatorOptions extends Omit<StartEmulatorsOptions, 'onOutput' | 'onExit'> {
  /** Default TESTKIT_STATE_DIR, else `<tmpdir>/gpuaas-testkit-<uid>`. */
  stateDir?: string;
  /**
   * How long the supervisor keeps the pair after the last lease is gone; default
   * TESTKIT_LINGER_MS, else 5 s: enough for turbo to start the next package's tests.
   */
  lingerMs?: number;
  /** Default 90 s: covers a supervisor start plus JVM start-up under load. */
  acquireTimeoutMs?: number;
}

const POLL_MS = 50;
// Losing supervisors (a race) and one stopping as we arrive are normal; more means it cannot start.
const MAX_SPAWNS = 5;
const require = createRequire(import.meta.url);
const supervisorMain = fileURLToPath(new URL('./supervisor-main.ts', import.meta.url));
// Not the state directory: tsx cannot start in a deleted cwd, and a test may delete its state dir.
const packageDir = fileURLToPath(new URL('..', import.meta.url));
// A supervisor that has not taken the free lock by then is stuck (seen once: tsx hung starting in a deleted cwd).
const SUPERVISOR_LOCK_TIMEOUT_MS = 15_000;

function envNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : Number(value);
}

function spawnSupervisor(
  paths: StatePaths,
  config: SupervisorConfig,
  env: NodeJS.ProcessEnv,
): number {
  // Append, so racing supervisors never overwrite each other's bytes; the lock winner truncates it.
  const log = openSync(paths.log, 'a');
  try {
    // tsx is resolved from the testkit itself: callers in other packages need not depend on it.
    const tsx = pathToFileURL(require.resolve('tsx')).href;
    const child = spawn(process.execPath, ['--import', tsx, supervisorMain], {
      // Own session and group: Ctrl-C on the test run or turbo's kill of a package must not hit it.
      detached: true,
      stdio: ['ignore', log, log],
      cwd: packageDir,
      env: { ...env, [SUPERVISOR_CONFIG_VAR]: JSON.stringify(config) },
    });
    child.unref();
    if (child.pid === undefined) throw new SupervisorError(`could not spawn ${process.execPath}`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

function sharedHandle(
  pubsubHost: string,
  firestoreHost: string,
  release: () => Promise<void>,
): EmulatorHandle {
  let released: Promise<void> | undefined;
  return {
    pubsubHost,
    firestoreHost,
    stop() {
      released ??= release();
      return released;
    },
  };
}

/**
 * One emulator pair for every test process of a run: a detached supervisor (started by the
 * first caller; a lock makes concurrent callers agree on one) runs it while any live process
 * holds a lease. stop() gives the lease back; the supervisor stops the pair after lingerMs.
 */
export async function acquireSharedEmulators(
  options: SharedEmulatorOptions = {},
): Promise<EmulatorHandle> {
  const env = options.env ?? process.env;
  const fromEnv = {
    pubsub: env[EMULATOR_HOST_VARS.pubsub],
    firestore: env[EMULATOR_HOST_VARS.firestore],
  };
  if (options.reuseRunning !== false && fromEnv.pubsub && fromEnv.firestore) {
    const [pubsubUp, firestoreUp] = await Promise.all([
      probeEmulator(fromEnv.pubsub),
      probeEmulator(fromEnv.firestore),
    ]);
    // Someone else's emulators (pnpm dev, CI service): use them, never stop them.
    if (pubsubUp && firestoreUp)
      return sharedHandle(fromEnv.pubsub, fromEnv.firestore, async () => {});
  }

  const paths = statePaths(resolveStateDir(options.stateDir, env));
  await ensureStateDir(paths);
  // The lease comes before any look at the state: see the stopping handshake in the supervisor.
  const lease: Lease = await takeLease(paths.leases);
  try {
    return await waitForSupervisor(paths, lease, options, env);
  } catch (error) {
    await lease.release();
    throw error;
  }
}

async function waitForSupervisor(
  paths: StatePaths,
  lease: Lease,
  options: SharedEmulatorOptions,
  env: NodeJS.ProcessEnv,
): Promise<EmulatorHandle> {
  const startedAt = Date.now();
  const deadline = startedAt + (options.acquireTimeoutMs ?? 90_000);
  let commands: EmulatorCommands | undefined;
  let spawned: number | undefined;
  let spawnedAt = 0;
  let spawns = 0;
  let lastStatus = 'no supervisor';

  while (Date.now() < deadline) {
    const [owner, state] = await Promise.all([readLockOwner(paths.lock), readState(paths.state)]);
    const current =
      isLockHeld(owner) &&
      state?.supervisor.pid === owner.pid &&
      state.supervisor.nonce === owner.nonce;
    if (current && state.status === 'ready' && state.pubsubHost && state.firestoreHost) {
      const { pubsubHost, firestoreHost } = state;
      const [pubsubUp, firestoreUp] = await Promise.all([
        probeEmulator(pubsubHost),
        probeEmulator(firestoreHost),
      ]);
      if (pubsubUp && firestoreUp)
        return sharedHandle(pubsubHost, firestoreHost, () => lease.release());
      lastStatus = 'supervisor ready but its emulators do not answer';
    } else if (
      state?.status === 'failed' &&
      state.error &&
      (state.supervisor.pid === spawned || state.updatedAt >= startedAt)
    ) {
      throw reviveError(state.error);
    } else if (isLockHeld(owner)) {
      lastStatus = `supervisor ${owner.pid} is ${current ? state.status : 'starting'}`;
    } else if (spawned !== undefined && isProcessAlive(spawned)) {
      if (Date.now() - spawnedAt > SUPERVISOR_LOCK_TIMEOUT_MS) {
        killProcessGroupNow(spawned);
        lastStatus = `killed supervisor ${spawned}: no lock after ${SUPERVISOR_LOCK_TIMEOUT_MS} ms`;
        spawned = undefined;
      }
    } else {
      if (spawns >= MAX_SPAWNS) {
        throw new SupervisorError(
          `the emulator supervisor exited ${spawns} times without starting; see ${paths.log}`,
        );
      }
      // Resolved here, in the caller, so a missing emulator or Java is reported as its own typed error.
      commands ??= options.commands ?? (await resolveEmulatorCommands(options));
      spawned = spawnSupervisor(paths, supervisorConfig(paths, options, commands, env), env);
      spawnedAt = Date.now();
      spawns++;
      lastStatus = `spawned supervisor ${spawned}`;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new SupervisorError(
    `shared emulators not ready within ${options.acquireTimeoutMs ?? 90_000} ms (${lastStatus}); see ${paths.log}`,
  );
}

function supervisorConfig(
  paths: StatePaths,
  options: SharedEmulatorOptions,
  commands: EmulatorCommands,
  env: NodeJS.ProcessEnv,
): SupervisorConfig {
  return {
    stateDir: paths.dir,
    lingerMs: options.lingerMs ?? envNumber(env, 'TESTKIT_LINGER_MS') ?? 5_000,
    pollMs: 100,
    host: options.host ?? '127.0.0.1',
    ...(options.pubsubPort !== undefined ? { pubsubPort: options.pubsubPort } : {}),
    ...(options.firestorePort !== undefined ? { firestorePort: options.firestorePort } : {}),
    reuseRunning: options.reuseRunning !== false,
    startTimeoutMs: options.startTimeoutMs ?? 60_000,
    stopGraceMs: options.stopGraceMs ?? 5_000,
    commands,
  };
}
