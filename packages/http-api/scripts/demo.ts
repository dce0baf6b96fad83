// `pnpm --filter @gpuaas/http-api demo`: the registry's operator API on the Firestore emulator,
// with a demo user whose fresh key is printed; open /docs for the generated documentation.
import { Firestore } from '@google-cloud/firestore';
import { serve } from '@hono/node-server';
import pino from 'pino';
import {
  createApi,
  createUserRegistry,
  localOperatorVerifier,
  registryRoutes,
  seedDemoUser,
} from '../src/index';

const firestoreHost = process.env.FIRESTORE_EMULATOR_HOST;
if (!firestoreHost) {
  console.error(
    'FIRESTORE_EMULATOR_HOST is not set: start the emulators (pnpm --filter @gpuaas/testkit emulators)',
  );
  process.exit(2);
}
const firestore = new Firestore({
  projectId: process.env.GCP_PROJECT_ID ?? 'gpuaas-local',
  host: firestoreHost,
  ssl: false,
  // Known up front, so the client skips the credential lookup (and its metadata probe).
  universeDomain: 'googleapis.com',
});
const registry = createUserRegistry(firestore);
const app = createApi({
  title: 'GPUaaS registry (demo)',
  version: '0.1.0',
  routes: registryRoutes(registry),
  principals: { users: registry, operators: localOperatorVerifier() },
  logger: pino({ level: 'info' }),
});
const demo = await seedDemoUser(registry);
const port = Number(process.env.PORT ?? 8090);
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => {
  console.log(`demo user ${demo.userId}, API key (shown once): ${demo.apiKey}`);
  console.log(
    `docs: http://127.0.0.1:${port}/docs  openapi: http://127.0.0.1:${port}/openapi.json`,
  );
});
