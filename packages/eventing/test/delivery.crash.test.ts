// A consumer killed inside its delivery transaction, restarted, on the project's own bus settings.

import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readEnvironmentFile, resolveEnvironment } from '@gpuaas/topology';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBus } from '../src/testing/test-bus';
import { freePort, startCrashingService } from './crash';
import { countingSubscription, REQUESTED, requestedPayload } from './fixtures';

describe('a consumer killed inside a handler', () => {
  let bus: TestBus;
  beforeAll(async () => {
    bus = await TestBus.start('evt-crash');
  });
  afterAll(() => bus.close());

  it('is delivered again after restart and applies the event exactly once', async () => {
    const settings = resolveEnvironment(readEnvironmentFile('local')).settings.consumers[
      'provisioning-worker'
    ];
    const port = await freePort();
    const env = {
      ACK_DEADLINE_SECONDS: String(settings.ackDeadlineSeconds),
      LEASE_SECONDS: String(settings.leaseSeconds),
    };
    const { child } = await startCrashingService({
      TEST_PROJECT_ID: bus.projectId,
      TEST_CRASH: 'in-handler',
      PORT: String(port),
      ...env,
    });
    const dlq = await bus.tap('provisioning-worker.dlq');
    await bus.wire(REQUESTED, 'provisioning-worker', `http://127.0.0.1:${port}/push/${REQUESTED}`, {
      ackDeadlineSeconds: settings.ackDeadlineSeconds,
      minimumBackoffSeconds: settings.minimumBackoffSeconds,
      maximumBackoffSeconds: settings.maximumBackoffSeconds,
      maxDeliveryAttempts: settings.maxDeliveryAttempts,
    });
    const allocationId = `alloc-${randomUUID()}`;
    await bus.publish(REQUESTED, requestedPayload(allocationId));
    // SIGKILL with the dedupe record and the allocation read inside its transaction.
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');

    const restarted = bus.create({
      config: bus.config('provisioning-worker', { PORT: String(port), ...env }),
      subscriptions: [countingSubscription()],
    });
    await restarted.listen();
    const allocation = bus.firestore.collection('allocations').doc(allocationId);
    await expect
      .poll(async () => (await allocation.get()).get('applied'), {
        timeout: 170_000,
        interval: 1000,
      })
      .toBe(1);
    expect(dlq.received).toEqual([]);
  }, 200_000);
});
