import { randomUUID } from 'node:crypto';
import { firestoreClient, pubsubClient, uniqueProjectId } from '@gpuaas/testkit';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { createConsumerService } from '../src/lifecycle/service';

import { countingSubscription, REQUESTED, requestedPayload } from './fixtures';
import { event, pushBody } from './harness';

describe('consumer service lifecycle', () => {
  it('on shutdown stops accepting, finishes the delivery in flight, then closes', async () => {
    const projectId = uniqueProjectId('svc');
    const pubsub = pubsubClient(projectId);
    await pubsub.topic('gpuaas.provisioning.active').get({ autoCreate: true });
    const service = createConsumerService({
      config: loadConfig({
        SERVICE_NAME: 'provisioning-worker',
        GCP_PROJECT_ID: projectId,
        PUSH_AUTH: 'off',
        PORT: '0',
      }),
      subscriptions: [
        countingSubscription({ beforeCommit: () => new Promise((r) => setTimeout(r, 800)) }),
      ],
      firestore: firestoreClient(projectId),
      pubsub,
      logger: pino({ level: 'silent' }),
    });
    const port = await service.listen();
    const allocationId = `alloc-${randomUUID()}`;
    const inFlight = fetch(`http://127.0.0.1:${port}/push/${REQUESTED}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(pushBody(event(REQUESTED, requestedPayload(allocationId)))),
    });
    await expect.poll(() => service.inFlight.size).toBe(1);
    const stopped = service.shutdown();

    // A push that reaches the instance once shutdown began is refused, for Pub/Sub to redeliver.
    const late = await service.app.request(`/push/${REQUESTED}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(pushBody(event(REQUESTED, requestedPayload(`alloc-${randomUUID()}`)))),
    });
    expect(late.status).toBe(503);
    expect(late.headers.get('connection')).toBe('close');

    expect((await inFlight).status).toBe(204);
    await stopped;
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    const check = firestoreClient(projectId);
    expect((await check.collection('allocations').doc(allocationId).get()).get('applied')).toBe(1);
    await check.terminate();
  });
});
