import { v1 } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeEmulator } from '../src/http-probe';
import {
  firestoreClient,
  pubsubClient,
  type StartedEmulators,
  startEmulators,
  uniqueProjectId,
} from '../src/index';
import { isGroupAlive } from '../src/process-group';
import { isProcessAlive } from '../src/process-liveness';
import { cleanEnv } from './helpers';

describe('startEmulators (the real emulators)', () => {
  let emulators: StartedEmulators;
  const savedFirestoreHost = process.env.FIRESTORE_EMULATOR_HOST;

  beforeAll(async () => {
    const startedAt = Date.now();
    // reuseRunning: false, so this starts its own pair beside the global setup's shared one.
    emulators = await startEmulators({ reuseRunning: false, env: cleanEnv() });
    console.info(`both emulators answered after ${Date.now() - startedAt} ms`);
    // @google-cloud/firestore prefers this variable over `host`: point it at this pair for this file.
    process.env.FIRESTORE_EMULATOR_HOST = emulators.firestoreHost;
  });

  afterAll(async () => {
    process.env.FIRESTORE_EMULATOR_HOST = savedFirestoreHost;
    await emulators?.stop();
  });

  it('starts both on free ports and says so', () => {
    expect(emulators.pubsub).toMatchObject({
      reused: false,
      host: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    });
    expect(emulators.firestore).toMatchObject({
      reused: false,
      host: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    });
    expect(emulators.pubsubHost).not.toBe(emulators.firestoreHost);
  });

  it('round-trips a Pub/Sub message through a pull subscription', async () => {
    const projectId = uniqueProjectId('harness');
    const pubsub = pubsubClient(projectId, emulators.pubsubHost);
    // Same connection settings (emulator endpoint, insecure channel) for the low-level client.
    const subscriber = new v1.SubscriberClient({
      ...pubsub.options,
      port: Number(pubsub.options.port),
    });
    try {
      const [topic] = await pubsub.createTopic('harness-topic');
      const [subscription] = await topic.createSubscription('harness-pull');
      await topic.publishMessage({ data: Buffer.from('hello'), attributes: { kind: 'test' } });

      const [pulled] = await subscriber.pull({ subscription: subscription.name, maxMessages: 10 });
      const received = pulled.receivedMessages ?? [];
      expect(received).toHaveLength(1);
      expect(Buffer.from(received[0]?.message?.data as Uint8Array).toString()).toBe('hello');
      expect(received[0]?.message?.attributes).toEqual({ kind: 'test' });
      await subscriber.acknowledge({
        subscription: subscription.name,
        ackIds: received.map((m) => m.ackId as string),
      });
    } finally {
      await subscriber.close();
      await pubsub.close();
    }
  });

  it('round-trips a Firestore document', async () => {
    const firestore = firestoreClient(uniqueProjectId('harness'), emulators.firestoreHost);
    try {
      await firestore.doc('things/one').set({ name: 'one', count: 1 });
      const snapshot = await firestore.doc('things/one').get();
      expect(snapshot.data()).toEqual({ name: 'one', count: 1 });
    } finally {
      await firestore.terminate();
    }
  });

  it('leaves no process behind after stop()', async () => {
    const pids = [emulators.pubsub.pid, emulators.firestore.pid] as number[];
    expect(pids.every((pid) => isProcessAlive(pid))).toBe(true);
    const stoppedAt = Date.now();
    await emulators.stop();
    console.info(`both emulators stopped after ${Date.now() - stoppedAt} ms`);
    for (const pid of pids) {
      expect(isProcessAlive(pid)).toBe(false);
      expect(isGroupAlive(pid)).toBe(false);
    }
    expect(await probeEmulator(emulators.pubsubHost)).toBe(false);
    expect(await probeEmulator(emulators.firestoreHost)).toBe(false);
  });
});

describe('startEmulators reuse', () => {
  it('reuses emulators named by the environment and never stops them', async () => {
    const env = cleanEnv({
      PUBSUB_EMULATOR_HOST: process.env.PUBSUB_EMULATOR_HOST,
      FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST,
    });
    // The global setup's shared pair: reused, so this must not start (or stop) anything.
    const reused = await startEmulators({ env, sdkRoot: '/nonexistent-sdk' });
    expect(reused.pubsub).toEqual({ name: 'pubsub', host: env.PUBSUB_EMULATOR_HOST, reused: true });
    expect(reused.firestore).toEqual({
      name: 'firestore',
      host: env.FIRESTORE_EMULATOR_HOST,
      reused: true,
    });
    await reused.stop();
    expect(await probeEmulator(reused.pubsubHost)).toBe(true);
    expect(await probeEmulator(reused.firestoreHost)).toBe(true);
  });
});
