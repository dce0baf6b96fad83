import { rm, truncate } from 'node:fs/promises';
import { serializeError } from './errors';
import { countLiveLeases } from './leases';
import { releaseLock, tryAcquireLock } from './lock-file';
import { killProcessGroup } from './process-group';
import { isIdentityAlive, processIdentity } from './process-liveness';
import { type StartedEmulators, startEmulators } from './start-emulators';
import { ensureStateDir, statePaths } from './state-dir';
import {
  readState,
  type SupervisorConfig,
  type SupervisorState,
  writeState,
} from './supervisor-state';

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} [supervisor ${process.pid}] ${message}\n`);
}

const EMULATOR_LOG_LIMIT = 20 * 1024 * 1024;

/** The emulators log a stack trace per cancelled stream: cap what a long load test writes to /tmp. */
function emulatorLogger(): (name: string, line: string) => void {
  let written = 0;
  return (name, line) => {
    if (written > EMULATOR_LOG_LIMIT) return;
    written += line.length;
    log(
      written > EMULATOR_LOG_LIMIT ? 'emulator output beyond 20 MB dropped' : `[${name}] ${line}`,
    );
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A supervisor that was SIGKILLed cannot stop its JVMs: its successor does, if they are still the same processes. */
async function killOrphans(previous: SupervisorState | undefined, graceMs: number): Promise<void> {
  for (const emulator of previous?.emulators ?? []) {
    if (!isIdentityAlive(emulator)) continue;
    log(
      `stopping ${emulator.name} (pid ${emulator.pid}) orphaned by supervisor ${previous?.supervisor.pid}`,
    );
    await killProcessGroup(emulator.pid, graceMs);
  }
}

/**
 * Runs one shared emulator pair for as long as test processes hold leases (plus a linger period),
 * then stops it. Returns the exit code. Only the holder of the state-dir lock runs emulators; a
 * supervisor that loses the race for the lock exits at once.
 */
export async function runSupervisor(config: SupervisorConfig): Promise<number> {
  const paths = statePaths(config.stateDir);
  await ensureStateDir(paths);
  const lock = await tryAcquireLock(paths.lock);
  if (!lock) {
    log('another supervisor holds the lock: exiting');
    return 0;
  }
  // Our stdout is this file opened for append: the winner starts it afresh, losers' lines may go.
  await truncate(paths.log).catch(() => {});
  const me = { ...processIdentity(), nonce: lock.nonce };
  await killOrphans(await readState(paths.state), config.stopGraceMs);

  let emulators: StartedEmulators | undefined;
  let readyFields: Partial<SupervisorState> = {};
  let shuttingDown: Promise<number> | undefined;
  const write = (status: SupervisorState['status'], extra: Partial<SupervisorState> = {}) =>
    writeState(paths.state, { supervisor: me, status, updatedAt: Date.now(), ...extra });

  const shutdown = (code: number, reason: string): Promise<number> => {
    shuttingDown ??= (async () => {
      log(`stopping: ${reason}`);
      // Acquirers that read "stopping" wait for our lock to go, then start a successor.
      await write('stopping', readyFields).catch(() => {});
      await emulators?.stop();
      await rm(paths.state, { force: true });
      await releaseLock(paths.lock, lock);
      log('stopped');
      return code;
    })();
    return shuttingDown;
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => {
      void shutdown(0, `received ${signal}`).then((code) => process.exit(code));
    });
  }

  await write('starting');
  try {
    emulators = await startEmulators({
      host: config.host,
      reuseRunning: config.reuseRunning,
      startTimeoutMs: config.startTimeoutMs,
      stopGraceMs: config.stopGraceMs,
      commands: config.commands,
      ...(config.pubsubPort !== undefined ? { pubsubPort: config.pubsubPort } : {}),
      ...(config.firestorePort !== undefined ? { firestorePort: config.firestorePort } : {}),
      onOutput: emulatorLogger(),
      // Lessees cannot use a half pair: stop, and let the next acquirer start a fresh one.
      onExit: (name, code, signal) =>
        void shutdown(1, `${name} exited (${signal ?? code}) on its own`),
    });
  } catch (error) {
    log(`start failed: ${(error as Error).message}`);
    await write('failed', { error: serializeError(error) });
    await releaseLock(paths.lock, lock);
    return 1;
  }
  readyFields = {
    pubsubHost: emulators.pubsubHost,
    firestoreHost: emulators.firestoreHost,
    emulators: [emulators.pubsub, emulators.firestore]
      .filter((status) => status.pid !== undefined)
      .map((status) => ({ name: status.name, ...processIdentity(status.pid) })),
  };
  if (shuttingDown) return shuttingDown;
  await write('ready', readyFields);
  log(`ready: pubsub ${emulators.pubsubHost}, firestore ${emulators.firestoreHost}`);

  try {
    let lastLive = Date.now();
    while (!shuttingDown) {
      await sleep(config.pollMs);
      if (shuttingDown) break;
      if ((await countLiveLeases(paths.leases)) > 0) {
        lastLive = Date.now();
        continue;
      }
      if (Date.now() - lastLive < config.lingerMs) continue;
      // Announce first, count again second: an acquirer writes its lease before it reads the
      // state, so either we see its lease now or it sees "stopping" and waits for a successor.
      await write('stopping', readyFields);
      if ((await countLiveLeases(paths.leases)) > 0 && !shuttingDown) {
        await write('ready', readyFields);
        lastLive = Date.now();
        continue;
      }
      return shutdown(0, `no live lease for ${config.lingerMs} ms`);
    }
  } catch (error) {
    // E.g. the state directory was deleted under us: nobody can reach this pair any more.
    return shutdown(1, `state directory unusable: ${(error as Error).message}`);
  }
  return shuttingDown;
}
