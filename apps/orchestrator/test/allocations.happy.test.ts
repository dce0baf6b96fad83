import { recordDepletion } from '@gpuaas/allocations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from './harness';

describe('allocations through the orchestrator and the worker', () => {
  let h: Harness;
  let user: { userId: string; apiKey: string };
  beforeAll(async () => {
    h = await Harness.start({ worker: true });
    user = await h.user();
  });
  afterAll(() => h.close());

  it('takes a POST to active through push, and a release to released', async () => {
    const res = await h.call('POST', '/v1/allocations', {
      auth: user.apiKey,
      body: { gpu_type: 'l4', gpu_count: 2, region: 'europe-west4' },
    });
    expect(res.status).toBe(202);
    const id = res.body.allocation_id as string;
    expect(res.body).toMatchObject({
      status: 'requested',
      gpu_type: 'l4',
      gpu_count: 2,
      region: 'europe-west4',
      price: {
        price_id: 'price_l4_v1',
        rate_micros_per_gpu_hour: 700_000,
        currency: 'USD',
        billing_increment_seconds: 60,
      },
      started_at: null,
    });
    expect(res.headers.get('location')).toBe(`/v1/allocations/${id}`);
    const [event] = await h.requested.waitForCount(1);
    expect(event?.json?.payload).toMatchObject({
      allocation_id: id,
      user_id: user.userId,
      gpu_type: 'l4',
      price_id: 'price_l4_v1',
      billing_increment_seconds: 60,
      provisioning_timeout_seconds: 600,
    });

    const active = await h.waitForStatus(user.apiKey, id, 'active');
    expect(active.started_at).toEqual(expect.any(String));
    const listed = await h.call('GET', '/v1/allocations?status=active', { auth: user.apiKey });
    expect(
      (listed.body.items as { allocation_id: string }[]).map((a) => a.allocation_id),
    ).toContain(id);

    const release = await h.call('POST', `/v1/allocations/${id}/release`, { auth: user.apiKey });
    expect(release.status).toBe(202);
    expect(release.body.release_requested_at).toEqual(expect.any(String));
    // Asked again while it runs: 202, nothing emitted twice.
    const again = await h.call('POST', `/v1/allocations/${id}/release`, { auth: user.apiKey });
    expect(again.status).toBe(202);
    const released = await h.waitForStatus(user.apiKey, id, 'released');
    expect(released).toMatchObject({ release_reason: 'user_requested', failure: null });
    expect(h.releaseRequested.where((m) => m.json?.payload?.allocation_id === id)).toHaveLength(1);
    expect(h.sim?.liveInstances().filter((i) => i.allocationId === id)).toEqual([]);

    const late = await h.call('POST', `/v1/allocations/${id}/release`, { auth: user.apiKey });
    expect(late.status).toBe(409);
    expect(late.body.reason).toBe('conflict');
  });

  it('answers a POST retried with its Idempotency-Key with the same allocation: one event, one instance', async () => {
    const send = () =>
      h.call('POST', '/v1/allocations', {
        auth: user.apiKey,
        body: { gpu_type: 'h100', gpu_count: 1 },
        headers: { 'idempotency-key': 'retry-me-1' },
      });
    const first = await send();
    const [second, third] = await Promise.all([send(), send()]);
    const id = first.body.allocation_id as string;
    expect(first.status).toBe(202);
    for (const retry of [second, third]) {
      // Either the stored answer or, while the first still ran, 409 in flight.
      expect([202, 409]).toContain(retry.status);
      if (retry.status === 202) expect(retry.body.allocation_id).toBe(id);
    }
    expect((await send()).headers.get('idempotent-replayed')).toBe('true');
    await h.waitForStatus(user.apiKey, id, 'active');
    expect(h.requestedOf(id)).toHaveLength(1);
    expect(h.sim?.allInstances().filter((i) => i.allocationId === id)).toHaveLength(1);
    const other = await h.call('POST', '/v1/allocations', {
      auth: user.apiKey,
      body: { gpu_type: 'h100', gpu_count: 2 },
      headers: { 'idempotency-key': 'retry-me-1' },
    });
    expect(other.status).toBe(422);
  });

  it('refuses a depleted user early with a 402 until a credit re-arms the balance', async () => {
    const depleted = await h.user();
    await h.firestore.runTransaction((tx) =>
      recordDepletion(
        tx,
        h.firestore,
        {
          user_id: depleted.userId,
          currency: 'USD',
          depleted_at: new Date().toISOString(),
          balance_micros: -10,
        },
        new Date().toISOString(),
      ),
    );
    const refused = await h.call('POST', '/v1/allocations', {
      auth: depleted.apiKey,
      body: { gpu_type: 't4', gpu_count: 1 },
    });
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ reason: 'insufficient_balance', status: 402 });
    await h.credit(depleted.userId, 3_000_000);
    const accepted = await h.call('POST', '/v1/allocations', {
      auth: depleted.apiKey,
      body: { gpu_type: 't4', gpu_count: 1 },
    });
    expect(accepted.status).toBe(202);
    await h.waitForStatus(depleted.apiKey, accepted.body.allocation_id as string, 'active');
  });

  it('lists only the caller’s allocations, newest first, a page at a time', async () => {
    const lister = await h.user();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await h.call('POST', '/v1/allocations', {
        auth: lister.apiKey,
        body: { gpu_type: 'a100', gpu_count: 1 },
      });
      ids.push(res.body.allocation_id as string);
    }
    const first = await h.call('GET', '/v1/allocations?limit=2', { auth: lister.apiKey });
    expect(first.status).toBe(200);
    const cursor = first.body.next_cursor as string;
    const second = await h.call('GET', `/v1/allocations?limit=2&cursor=${cursor}`, {
      auth: lister.apiKey,
    });
    const seen = [
      ...(first.body.items as { allocation_id: string }[]),
      ...(second.body.items as { allocation_id: string }[]),
    ].map((a) => a.allocation_id);
    expect(seen).toEqual([...ids].reverse());
    expect(second.body.next_cursor).toBeNull();
  });
});
