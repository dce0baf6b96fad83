// `pnpm demo`: plays the scenario through the whole catalog against a running `pnpm dev`.
import { parseArgs } from 'node:util';
import { firestoreClient, pubsubClient } from '@gpuaas/testkit';
import { localUrls } from './apps';
import { reportLines } from './demo/report';
import { runScenario } from './demo/run';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    project: { type: 'string', default: 'gpuaas-local' },
    'port-offset': { type: 'string', default: '0' },
    'pubsub-host': {
      type: 'string',
      default: process.env.PUBSUB_EMULATOR_HOST ?? '127.0.0.1:8085',
    },
    'firestore-host': {
      type: 'string',
      default: process.env.FIRESTORE_EMULATOR_HOST ?? '127.0.0.1:8086',
    },
  },
});

const urls = localUrls(Number(values['port-offset']));
const down = await fetch(`${urls.orchestrator}/healthz`).then(
  (res) => !res.ok,
  () => true,
);
if (down) {
  console.error(
    `nothing answers at ${urls.orchestrator}: start the platform with \`pnpm dev\` first`,
  );
  process.exit(2);
}

const firestore = firestoreClient(values.project, values['firestore-host']);
const pubsub = pubsubClient(values.project, values['pubsub-host']);
const tty = process.stdout.isTTY === true;
const spinner = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
let spin = 0;
let current = '';

console.log(`pnpm demo: a scenario through the whole catalog against ${urls.orchestrator}\n`);
const result = await runScenario(
  { urls, firestore, pubsub },
  {
    reporter: {
      stepStarted(index, total, title) {
        current = `[${index + 1}/${total}] ${title}`;
        if (tty) process.stdout.write(`  ${spinner[0]} ${current}`);
      },
      progress(line) {
        if (!tty) return;
        spin = (spin + 1) % spinner.length;
        process.stdout.write(`\r\u001b[2K  ${spinner[spin]} ${current} … ${line}`);
      },
      stepEnded(_index, _total, step) {
        if (tty) process.stdout.write('\r\u001b[2K');
        const mark = step.ok
          ? tty
            ? '\u001b[32m✔\u001b[0m'
            : 'ok'
          : tty
            ? '\u001b[31m✘\u001b[0m'
            : 'FAILED';
        console.log(
          `  ${mark} ${current} (${step.seconds.toFixed(1)} s)${step.detail ? `: ${step.detail}` : ''}`,
        );
      },
    },
  },
);
for (const line of reportLines(result)) console.log(line);
await Promise.allSettled([firestore.terminate(), pubsub.close()]);
if (!result.ok) {
  const failed = result.steps.find((s) => !s.ok);
  console.error(`\nThe demo stopped: "${failed?.title ?? 'a step'}" did not happen.`);
  process.exit(1);
}
console.log('\nEvery step happened.');
process.exit(0);
