// `pnpm dev`: the worker on its local port against the emulators of `pnpm dev` (README), with
// its scheduler tasks ticking on a timer as Cloud Scheduler would call them.
import { localPort, tasksOf } from '@gpuaas/topology/services';

const SERVICE = 'provisioning-worker';
const port = localPort(SERVICE);
const defaults: Record<string, string> = {
  SERVICE_NAME: SERVICE,
  GOOGLE_CLOUD_PROJECT: 'gpuaas-local',
  PORT: String(port),
  PUSH_AUTH: 'off',
  OPERATOR_AUTH: 'off',
  FIRESTORE_EMULATOR_HOST: '127.0.0.1:8086',
  PUBSUB_EMULATOR_HOST: '127.0.0.1:8085',
};
for (const [name, value] of Object.entries(defaults)) process.env[name] ??= value;

// Seconds between runs of the crons the table uses: every minute, or every N minutes.
function periodSeconds(schedule: string): number {
  const [minute, ...rest] = schedule.split(' ');
  if (rest.some((field) => field !== '*')) return 3600;
  if (minute === '*') return 60;
  const every = /^\*\/(\d+)$/.exec(minute ?? '');
  return every ? Number(every[1]) * 60 : 3600;
}

await import('./index');

// runtime: a local scheduler for `pnpm dev` belongs beside the runtime's tasks (every app wants it).
for (const task of tasksOf(SERVICE)) {
  const timer = setInterval(() => {
    fetch(`http://127.0.0.1:${port}${task.path}`, { method: 'POST' }).catch((error: unknown) =>
      console.warn(`${task.name}: ${String(error)}`),
    );
  }, periodSeconds(task.schedule) * 1000);
  timer.unref();
}
