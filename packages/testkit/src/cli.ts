// `tsx src/cli.ts emulators`: the emulators in the foreground for `pnpm dev`.
import { parseArgs } from 'node:util';
import { TestkitError } from './errors';
import { describeStatus, type StartedEmulators, startEmulators } from './start-emulators';

const USAGE = `usage: cli.ts emulators [--host 127.0.0.1] [--pubsub-port 8085] [--firestore-port 8086] [--verbose]

Starts the Pub/Sub and Firestore emulators (reusing ones that already answer at
PUBSUB_EMULATOR_HOST / FIRESTORE_EMULATOR_HOST or on the given ports), prints the
environment for clients and stays in the foreground; SIGINT/SIGTERM stops what it started.`;

async function emulators(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      // The ports in docs/DESIGN.md: apps started by `pnpm dev` next to us can rely on them.
      'pubsub-port': { type: 'string', default: process.env.TESTKIT_PUBSUB_PORT ?? '8085' },
      'firestore-port': { type: 'string', default: process.env.TESTKIT_FIRESTORE_PORT ?? '8086' },
      verbose: { type: 'boolean', default: false },
    },
  });
  let running: StartedEmulators | undefined;
  let exiting = false;
  const stopAndExit = async (code: number, why: string) => {
    if (exiting) return;
    exiting = true;
    console.error(`# ${why}: stopping what was started here`);
    await running?.stop();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void stopAndExit(0, `received ${signal}`));
  }

  running = await startEmulators({
    host: values.host,
    pubsubPort: Number(values['pubsub-port']),
    firestorePort: Number(values['firestore-port']),
    ...(values.verbose ? { onOutput: (name, line) => console.error(`[${name}] ${line}`) } : {}),
    onExit: (name, code, signal) =>
      void stopAndExit(1, `${name} emulator exited (${signal ?? code})`),
  });
  console.log(`export PUBSUB_EMULATOR_HOST=${running.pubsubHost}`);
  console.log(`export FIRESTORE_EMULATOR_HOST=${running.firestoreHost}`);
  console.log(`# ${describeStatus(running.pubsub)}`);
  console.log(`# ${describeStatus(running.firestore)}`);
  console.log('# Ctrl-C stops what was started here.');
  // Keep the event loop alive: the emulator handles are unref'd on purpose.
  setInterval(() => {}, 1 << 30);
  return new Promise<number>(() => {});
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'emulators') return emulators(rest);
  console.error(USAGE);
  return command === undefined || command === '--help' ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Testkit errors are written to be read as they are (install hints are one line).
    console.error(error instanceof TestkitError ? error.message : error);
    process.exit(1);
  },
);
