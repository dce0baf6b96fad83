// One app alone on its local port, against the emulators of `pnpm dev` (or those the environment
// names), with the environment `pnpm dev` gives it. What the environment already sets wins.
import { isServiceName, localPort } from '@gpuaas/topology/services';
import { REPO_DIR } from './apps';
import { localEnv } from './local-env';

const name = process.argv[2] ?? '';
if (!isServiceName(name)) {
  console.error(`usage: run-app <service> (a service of the table, got "${name}")`);
  process.exit(2);
}
const env = localEnv(name, {
  project: process.env.GOOGLE_CLOUD_PROJECT ?? 'gpuaas-local',
  port: Number(process.env.PORT ?? localPort(name)),
  pubsubHost: process.env.PUBSUB_EMULATOR_HOST ?? '127.0.0.1:8085',
  firestoreHost: process.env.FIRESTORE_EMULATOR_HOST ?? '127.0.0.1:8086',
});
for (const [key, value] of Object.entries(env)) process.env[key] ??= value;
await import(`${REPO_DIR}apps/${name}/src/index.ts`);
