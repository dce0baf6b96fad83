import type { TestProject } from 'vitest/node';
import { acquireSharedEmulators } from './acquire-shared-emulators';

/**
 * vitest globalSetup: every package's test run shares one emulator pair through the supervisor.
 * It runs in vitest's main process before workers are spawned, and vitest 4.1 builds the
 * workers' environment from process.env at that point, so setting it here is enough (a test
 * in this package checks that workers see it).
 */
export default async function setup(_project: TestProject): Promise<() => Promise<void>> {
  const emulators = await acquireSharedEmulators();
  const previous = {
    pubsub: process.env.PUBSUB_EMULATOR_HOST,
    firestore: process.env.FIRESTORE_EMULATOR_HOST,
  };
  process.env.PUBSUB_EMULATOR_HOST = emulators.pubsubHost;
  process.env.FIRESTORE_EMULATOR_HOST = emulators.firestoreHost;
  return async () => {
    restore('PUBSUB_EMULATOR_HOST', previous.pubsub);
    restore('FIRESTORE_EMULATOR_HOST', previous.firestore);
    await emulators.stop();
  };
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
