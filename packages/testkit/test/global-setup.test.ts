import { describe, expect, it } from 'vitest';
import { probeEmulator } from '../src/http-probe';
import {
  clearFirestore,
  firestoreClient,
  pubsubClient,
  uniqueProjectId,
  waitFor,
} from '../src/index';

// This file runs in a vitest worker: everything here reaches it through the global setup.
describe('global setup', () => {
  it('hands the shared emulators to test workers through the environment', async () => {
    const pubsubHost = process.env.PUBSUB_EMULATOR_HOST;
    const firestoreHost = process.env.FIRESTORE_EMULATOR_HOST;
    expect(pubsubHost).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(firestoreHost).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(await probeEmulator(pubsubHost as string)).toBe(true);
    expect(await probeEmulator(firestoreHost as string)).toBe(true);
  });

  it('gives clients that work on their own project without any host argument', async () => {
    const projectId = uniqueProjectId('setup');
    const pubsub = pubsubClient(projectId);
    const firestore = firestoreClient(projectId);
    try {
      const [topic] = await pubsub.createTopic('setup-topic');
      const [subscription] = await topic.createSubscription('setup-sub');
      const received: string[] = [];
      subscription.on('message', (message) => {
        received.push(message.data.toString());
        message.ack();
      });
      await topic.publishMessage({ data: Buffer.from('via env') });
      await waitFor(() => received.length === 1, { timeoutMs: 10_000 });
      expect(received).toEqual(['via env']);
      await subscription.close();

      await firestore.doc('docs/a').set({ n: 1 });
      await firestore.doc('docs/b').set({ n: 2 });
      expect((await firestore.collection('docs').get()).size).toBe(2);
      await clearFirestore(projectId);
      expect((await firestore.collection('docs').get()).size).toBe(0);
    } finally {
      await pubsub.close();
      await firestore.terminate();
    }
  });

  it('keeps projects apart', async () => {
    const [a, b] = [uniqueProjectId('iso'), uniqueProjectId('iso')];
    const [fa, fb] = [firestoreClient(a), firestoreClient(b)];
    try {
      await fa.doc('docs/x').set({ owner: a });
      expect((await fb.doc('docs/x').get()).exists).toBe(false);
      await clearFirestore(b);
      expect((await fa.doc('docs/x').get()).data()).toEqual({ owner: a });
    } finally {
      await Promise.all([fa.terminate(), fb.terminate()]);
    }
  });
});
