import { type LaunchedEmulator, launchEmulator, PortTakenError } from './emulator-process';
import { EMULATOR_LABEL, type EmulatorName } from './errors';
import { findFreePort } from './free-port';
import { probeEmulator } from './http-probe';
import {
  type EmulatorCommands,
  type InstallationOptions,
  resolveEmulatorCommands,
} from './installation';

export interface EmulatorHandle {
  pubsubHost: string;
  firestoreHost: string;
  stop(): Promise<void>;
}

export const EMULATOR_HOST_VARS: Record<EmulatorName, string> = {
  pubsub: 'PUBSUB_EMULATOR_HOST',
  firestore: 'FIRESTORE_EMULATOR_HOST',
};

export interface StartEmulatorsOptions extends InstallationOptions {
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Fixed ports; default a free port each. An emulator already answering there is reused. */
  pubsubPort?: number;
  firestorePort?: number;
  /** Use emulators named by PUBSUB_EMULATOR_HOST / FIRESTORE_EMULATOR_HOST when they answer; default true. */
  reuseRunning?: boolean;
  /** Default 60 s: JVM start-up on a loaded 2-core machine. */
  startTimeoutMs?: number;
  /** SIGTERM-to-SIGKILL grace; default 5 s. */
  stopGraceMs?: number;
  /** Replaces the jars found in the SDK (tests use a fake; anyone may use a wrapper). */
  commands?: EmulatorCommands;
  onOutput?: (name: EmulatorName, line: string) => void;
  /** An emulator we started exited on its own. */
  onExit?: (name: EmulatorName, code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface EmulatorStatus {
  name: EmulatorName;
  host: string;
  /** Set when we started it (and so will stop it); absent when an already running one is reused. */
  pid?: number;
  reused: boolean;
}

/** An EmulatorHandle that also tells what it started and what it reused. */
export interface StartedEmulators extends EmulatorHandle {
  pubsub: EmulatorStatus;
  firestore: EmulatorStatus;
}

const NAMES: readonly EmulatorName[] = ['pubsub', 'firestore'];
const PORT_ATTEMPTS = 3;

async function findRunning(
  name: EmulatorName,
  options: StartEmulatorsOptions,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const candidates: string[] = [];
  const fromEnv = env[EMULATOR_HOST_VARS[name]];
  if (options.reuseRunning !== false && fromEnv) candidates.push(fromEnv);
  const port = name === 'pubsub' ? options.pubsubPort : options.firestorePort;
  if (port !== undefined) candidates.push(`${options.host ?? '127.0.0.1'}:${port}`);
  for (const host of candidates) {
    if (await probeEmulator(host)) return host;
  }
  return undefined;
}

async function launchOnPort(
  name: EmulatorName,
  commands: EmulatorCommands,
  options: StartEmulatorsOptions,
): Promise<LaunchedEmulator> {
  const host = options.host ?? '127.0.0.1';
  const fixed = name === 'pubsub' ? options.pubsubPort : options.firestorePort;
  for (let attempt = 1; ; attempt++) {
    const port = fixed ?? (await findFreePort(host));
    try {
      return await launchEmulator({
        name,
        command: commands[name],
        host,
        port,
        startTimeoutMs: options.startTimeoutMs ?? 60_000,
        stopGraceMs: options.stopGraceMs ?? 5_000,
        ...(options.onOutput ? { onOutput: options.onOutput } : {}),
        ...(options.onExit ? { onExit: options.onExit } : {}),
      });
    } catch (error) {
      // A free port can be taken between our probe and the JVM's bind by a parallel run: pick another.
      if (fixed !== undefined || !(error instanceof PortTakenError) || attempt >= PORT_ATTEMPTS) {
        throw error;
      }
    }
  }
}

/**
 * Starts the Pub/Sub and Firestore emulators in this process (no supervisor), reusing ones that
 * already answer. stop() stops only what this call started.
 */
export async function startEmulators(
  options: StartEmulatorsOptions = {},
): Promise<StartedEmulators> {
  const env = options.env ?? process.env;
  const running = await Promise.all(NAMES.map((name) => findRunning(name, options, env)));
  const missing = NAMES.filter((_, i) => running[i] === undefined);
  const commands =
    missing.length === 0
      ? undefined
      : (options.commands ?? (await resolveEmulatorCommands(options)));

  const launches = await Promise.allSettled(
    NAMES.map((name, i) =>
      running[i] !== undefined || !commands
        ? Promise.resolve(undefined)
        : launchOnPort(name, commands, options),
    ),
  );
  const launched = launches.map((result) =>
    result.status === 'fulfilled' ? result.value : undefined,
  );
  const failure = launches.find((result) => result.status === 'rejected');
  if (failure) {
    await Promise.all(launched.map((emulator) => emulator?.stop()));
    throw failure.reason;
  }

  const status = (i: number): EmulatorStatus => {
    const name = NAMES[i] as EmulatorName;
    const own = launched[i];
    return own
      ? { name, host: own.host, pid: own.pid, reused: false }
      : { name, host: running[i] as string, reused: true };
  };
  const pubsub = status(0);
  const firestore = status(1);
  let stopped: Promise<void> | undefined;
  return {
    pubsubHost: pubsub.host,
    firestoreHost: firestore.host,
    pubsub,
    firestore,
    stop() {
      stopped ??= Promise.all(launched.map((emulator) => emulator?.stop())).then(() => undefined);
      return stopped;
    },
  };
}

export function describeStatus(status: EmulatorStatus): string {
  return status.reused
    ? `${EMULATOR_LABEL[status.name]} already running on ${status.host} (reused, left running)`
    : `${EMULATOR_LABEL[status.name]} started on ${status.host} (pid ${status.pid})`;
}
