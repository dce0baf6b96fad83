// `pnpm dev`: the emulators plus the local bus, in the foreground until Ctrl-C.
import { parseArgs } from 'node:util';
import { describeStatus, type StartedEmulators, startEmulators } from '@gpuaas/testkit';
import { runCli } from './run-cli';
import { archiveService, localServiceUrl, pushBasePaths, SERVICE_NAMES } from './services';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    project: { type: 'string', default: 'gpuaas-local' },
    // DESIGN.md's ports, so apps started beside us find the emulators without configuration.
    'pubsub-port': { type: 'string', default: '8085' },
    'firestore-port': { type: 'string', default: '8086' },
  },
});

let emulators: StartedEmulators | undefined;
let stopping = false;
async function stop(code: number, why: string): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log(`# ${why}: stopping what was started here`);
    await emulators?.stop();
  }
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void stop(0, `received ${signal}`));
}

async function main(): Promise<void> {
  emulators = await startEmulators({
    host: '127.0.0.1',
    pubsubPort: Number(values['pubsub-port']),
    firestorePort: Number(values['firestore-port']),
    onExit: (name, code, signal) => void stop(1, `${name} emulator exited (${signal ?? code})`),
  });
  process.env.PUBSUB_EMULATOR_HOST = emulators.pubsubHost;
  process.env.FIRESTORE_EMULATOR_HOST = emulators.firestoreHost;
  console.log(`# ${describeStatus(emulators.pubsub)}`);
  console.log(`# ${describeStatus(emulators.firestore)}`);

  const code = await runCli(['apply', '--env', 'local', '--project', values.project]);
  if (code === 1) await stop(1, 'the local bus could not be applied');

  console.log('\nServices the bus delivers to (start each app on its port):');
  for (const service of SERVICE_NAMES) {
    const hosted = Object.entries(pushBasePaths(service)).map(
      ([consumer, basePath]) => `${consumer}${basePath === '' ? '' : ` at ${basePath}`}`,
    );
    if (service === archiveService()) hosted.push('dead-letter archive');
    const hosts = hosted.length === 0 ? '' : ` (${hosted.join(', ')})`;
    console.log(`  ${service.padEnd(20)} ${localServiceUrl(service)}${hosts}`);
  }
  console.log('\nPoint clients at the emulators with:');
  console.log(`  export PUBSUB_EMULATOR_HOST=${emulators.pubsubHost}`);
  console.log(`  export FIRESTORE_EMULATOR_HOST=${emulators.firestoreHost}`);
  console.log(`  export GOOGLE_CLOUD_PROJECT=${values.project}`);
  console.log('\nlocal platform ready. Ctrl-C stops it.');
  setInterval(() => {}, 1 << 30);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  void stop(1, 'start-up failed');
});
