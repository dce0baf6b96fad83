// `pnpm dev`: the relay on its local port against the emulators (start them with the topology's
// `pnpm dev`), a demo user whose key is printed, and a timer standing in for Cloud Scheduler.
import { createService, runService } from '@gpuaas/eventing';
import { createUserRegistry, seedDemoUser } from '@gpuaas/http-api';
import { localPort } from '@gpuaas/topology/services';
import { loadRelayConfig } from './config';
import { notificationRelayService } from './service';

if (!process.env.FIRESTORE_EMULATOR_HOST || !process.env.PUBSUB_EMULATOR_HOST) {
  console.error(
    'FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST must be set: run `pnpm --filter @gpuaas/topology dev` first',
  );
  process.exit(2);
}
const port = localPort('notification-relay');
const config = loadRelayConfig({
  SERVICE_NAME: 'notification-relay',
  GCP_PROJECT_ID: 'gpuaas-local',
  PUSH_AUTH: 'off',
  PORT: String(port),
  WEBHOOK_ALLOW_INSECURE: 'true',
  ...process.env,
});
const service = createService(notificationRelayService(config));
const demo = await seedDemoUser(createUserRegistry(service.firestore));
await runService(service);
console.log(`demo user ${demo.userId}, API key (shown once): ${demo.apiKey}`);
console.log(`docs: http://127.0.0.1:${port}/docs`);

const TICK_MS = 5_000;
setInterval(() => {
  fetch(`http://127.0.0.1:${port}/tasks/deliver-notifications`, { method: 'POST' }).catch(
    (error: unknown) => console.error('delivery tick failed', error),
  );
}, TICK_MS).unref();
