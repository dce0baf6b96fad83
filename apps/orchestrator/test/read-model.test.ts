import { createHash } from 'node:crypto';
import { storedInstant, transitionAllocation } from '@gpuaas/allocations';
import type { ProvisioningFailed, ProvisioningFailureReason } from '@gpuaas/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from './harness';

const hash = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the api-read-model of provisioning failures', () => {
  let h: Harness;
  let user: { userId: string; apiKey: string };
  beforeAll(async () => {
    h = await Harness.start();
    user = await h.user();
  });
  afterAll(() => h.close());

  async function requested() {
    const res = await h.call('POST', '/v1/allocations', {
      auth: user.apiKey,
      body: { gpu_type: 'a100', gpu_count: 1 },
    });
    return res.body.allocation_id as string;
  }

  const failed = (
    allocationId: string,
    code: ProvisioningFailureReason = 'no_capacity',
  ): ProvisioningFailed => ({
    allocation_id: allocationId,
    user_id: user.userId,
    failed_at: new Date().toISOString(),
    reason_code: code,
    reason_message: `${code} message`,
    reason_hash: hash(`${code}:${code} message`),
    attempts: 3,
    retryable: true,
  });

  const deliveries = () => {
    let total = 0;
    for (const [key, count] of Object.entries(h.served.service.metrics.snapshot())) {
      if (key.startsWith('gpuaas.provisioning.failed.api-read-model|')) total += count;
    }
    return total;
  };

  it('shows a failure delivered through push, once however often it comes', async () => {
    const id = await requested();
    const event = failed(id);
    await h.bus.publish('gpuaas.provisioning.failed', event);
    const shown = await h.waitForStatus(user.apiKey, id, 'failed');
    expect(shown).toMatchObject({
      failure: {
        reason_code: 'no_capacity',
        reason_message: 'no_capacity message',
        retryable: true,
      },
      failed_at: storedInstant(event.failed_at),
    });
    const version = (await h.allocation(id))?.version;
    const before = deliveries();
    await h.bus.publish('gpuaas.provisioning.failed', event);
    await h.bus.publish('gpuaas.provisioning.failed', failed(id, 'provider_error'));
    await expect.poll(deliveries).toBe(before + 2);
    expect((await h.allocation(id))?.version).toBe(version);
    expect((await h.allocation(id))?.failure?.reason_code).toBe('no_capacity');
  });

  it('keeps the latest status whichever app wrote it: a stale failure leaves an active one active', async () => {
    const id = await requested();
    const at = storedInstant(new Date());
    await h.firestore.runTransaction((tx) =>
      transitionAllocation(tx, h.firestore, id, [
        { kind: 'start_provisioning', at },
        {
          kind: 'activate',
          at,
          started_at: at,
          instance: { provider: 'simulated', provider_instance_id: 'sim-x', region: 'us-central1' },
        },
      ]),
    );
    const before = deliveries();
    await h.bus.publish('gpuaas.provisioning.failed', failed(id));
    await expect.poll(deliveries).toBe(before + 1);
    expect((await h.call('GET', `/v1/allocations/${id}`, { auth: user.apiKey })).body.status).toBe(
      'active',
    );
  });

  it('and a worker transition after the read model failed it changes nothing', async () => {
    const id = await requested();
    await h.bus.publish('gpuaas.provisioning.failed', failed(id));
    await h.waitForStatus(user.apiKey, id, 'failed');
    const at = storedInstant(new Date());
    const late = await h.firestore.runTransaction((tx) =>
      transitionAllocation(tx, h.firestore, id, { kind: 'start_provisioning', at }),
    );
    expect(late).toMatchObject({ applied: false, rejection: { reason: 'not_allowed' } });
    expect((await h.allocation(id))?.status).toBe('failed');
  });

  it('ignores the failure of an unknown allocation or of another user', async () => {
    const id = await requested();
    const before = deliveries();
    await h.bus.publish('gpuaas.provisioning.failed', failed('alloc_unknown'));
    await h.bus.publish('gpuaas.provisioning.failed', { ...failed(id), user_id: 'someone-else' });
    await expect.poll(deliveries).toBe(before + 2);
    expect(await h.allocation('alloc_unknown')).toBeUndefined();
    expect((await h.allocation(id))?.status).toBe('requested');
    expect(h.served.deadLetters('api-read-model').received).toEqual([]);
  });
});
