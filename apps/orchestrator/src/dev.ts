// `pnpm dev`: the orchestrator on its local port against the emulators of `pnpm dev` (README),
// with operator auth off and the demo user's fresh API key printed.
import { createUserRegistry, seedDemoUser } from '@gpuaas/http-api';
import { localPort } from '@gpuaas/topology/services';

const port = localPort('orchestrator');
const defaults: Record<string, string> = {
  SERVICE_NAME: 'orchestrator',
  GOOGLE_CLOUD_PROJECT: 'gpuaas-local',
  PORT: String(port),
  PUSH_AUTH: 'off',
  OPERATOR_AUTH: 'off',
  FIRESTORE_EMULATOR_HOST: '127.0.0.1:8086',
  PUBSUB_EMULATOR_HOST: '127.0.0.1:8085',
};
for (const [name, value] of Object.entries(defaults)) process.env[name] ??= value;

const { firestoreFor } = await import('@gpuaas/eventing');
await import('./index');

// The emulators may still be starting beside us: try until the registry answers.
const firestore = firestoreFor(process.env.GOOGLE_CLOUD_PROJECT as string);
for (let attempt = 1; ; attempt++) {
  try {
    const demo = await seedDemoUser(createUserRegistry(firestore));
    console.log(`\ndemo user ${demo.userId}: export GPUAAS_API_KEY=${demo.apiKey}`);
    console.log(
      `curl -s -X POST http://127.0.0.1:${port}/v1/allocations -H "authorization: Bearer $GPUAAS_API_KEY" -H 'content-type: application/json' -d '{"gpu_type":"h100","gpu_count":1}'`,
    );
    console.log(`API docs: http://127.0.0.1:${port}/docs\n`);
    break;
  } catch (error) {
    if (attempt >= 30) throw error;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
