// `pnpm dev`: the whole platform on the emulators, in the foreground until Ctrl-C.
import { parseArgs } from 'node:util';
import { watchAncestors } from './ancestors';
import { banner } from './banner';
import { type RunningPlatform, startPlatform } from './platform';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    project: { type: 'string', default: 'gpuaas-local' },
    'port-offset': { type: 'string', default: '0' },
    'pubsub-port': { type: 'string', default: '8085' },
    'firestore-port': { type: 'string', default: '8086' },
    'tick-seconds': { type: 'string' },
  },
});

let platform: RunningPlatform | undefined;
let stopping = false;
async function stop(code: number, why: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`# ${why}: stopping everything started here`);
  await platform?.stop();
  console.log('# stopped');
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void stop(0, `received ${signal}`));
}
// The command that started us died without passing a signal on (a `kill` of pnpm alone):
// stop rather than leave the apps and emulators behind.
watchAncestors((pid) => void stop(0, `the process that started this one (pid ${pid}) is gone`));

try {
  platform = await startPlatform({
    project: values.project,
    portOffset: Number(values['port-offset']),
    pubsubPort: Number(values['pubsub-port']),
    firestorePort: Number(values['firestore-port']),
    tickSeconds: values['tick-seconds'] === undefined ? undefined : Number(values['tick-seconds']),
    pretty: process.stdout.isTTY === true,
    out: (line) => console.log(line),
  });
  if (stopping) process.exit(0);
  for (const line of banner(platform, values.project)) console.log(line);
  // In the foreground until a signal, whether or not anything else keeps the process busy.
  setInterval(() => undefined, 1 << 30);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1, 'start-up failed');
}
