import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from './harness';

describe('who may see and change an allocation', () => {
  let h: Harness;
  let owner: { userId: string; apiKey: string; keyId: string };
  let stranger: { userId: string; apiKey: string; keyId: string };
  let allocationId: string;
  beforeAll(async () => {
    h = await Harness.start();
    owner = await h.user();
    stranger = await h.user();
    const res = await h.call('POST', '/v1/allocations', {
      auth: owner.apiKey,
      body: { gpu_type: 'h100', gpu_count: 1 },
    });
    allocationId = res.body.allocation_id as string;
  });
  afterAll(() => h.close());

  /** What a refused call must leave as it was: allocations, outbox entries, events published. */
  const footprint = async () => ({
    allocations: (await h.firestore.collection('allocations').count().get()).data().count,
    outbox: (await h.firestore.collection('outbox').count().get()).data().count,
    requested: h.requested.received.length,
    releaseRequested: h.releaseRequested.received.length,
    stored: await h.allocation(allocationId),
  });

  it('answers 401 without a key, with a malformed one and with an unknown one, and changes nothing', async () => {
    // The owner's request is published before the refused calls start.
    await expect.poll(() => h.requested.received.length).toBe(1);
    const before = await footprint();
    for (const auth of [
      undefined,
      'not-a-key',
      'gpk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ]) {
      for (const [method, path] of [
        ['POST', '/v1/allocations'],
        ['GET', `/v1/allocations/${allocationId}`],
        ['GET', '/v1/allocations'],
        ['POST', `/v1/allocations/${allocationId}/release`],
      ] as const) {
        const res = await h.call(method, path, {
          ...(auth ? { auth } : {}),
          ...(method === 'POST' ? { body: { gpu_type: 'h100', gpu_count: 1 } } : {}),
        });
        expect(res.status, `${method} ${path} with ${auth}`).toBe(401);
        expect(res.body.reason).toBe('unauthenticated');
      }
    }
    // Give a wrongly accepted call's outbox relay time to publish.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await footprint()).toEqual(before);
  });

  it('answers 401 to a revoked key, and the key changes nothing', async () => {
    const revoked = await h.call('POST', `/v1/admin/users/${owner.userId}/keys`);
    const key = revoked.body.api_key as string;
    expect((await h.call('GET', `/v1/allocations/${allocationId}`, { auth: key })).status).toBe(
      200,
    );
    await h.call('POST', `/v1/admin/keys/${revoked.body.key_id}/revoke`);
    expect((await h.call('GET', `/v1/allocations/${allocationId}`, { auth: key })).status).toBe(
      401,
    );
    const release = await h.call('POST', `/v1/allocations/${allocationId}/release`, { auth: key });
    expect(release.status).toBe(401);
    expect((await h.allocation(allocationId))?.release_request).toBeNull();
  });

  it('answers 404 for another user’s allocation, like a missing one, and changes nothing', async () => {
    const get = await h.call('GET', `/v1/allocations/${allocationId}`, { auth: stranger.apiKey });
    const missing = await h.call('GET', '/v1/allocations/alloc_missing', { auth: stranger.apiKey });
    expect(get.status).toBe(404);
    expect(get.body).toEqual(missing.body);
    const release = await h.call('POST', `/v1/allocations/${allocationId}/release`, {
      auth: stranger.apiKey,
    });
    expect(release.status).toBe(404);
    const listed = await h.call('GET', '/v1/allocations', { auth: stranger.apiKey });
    expect(listed.body.items).toEqual([]);
    const stored = await h.allocation(allocationId);
    expect(stored).toMatchObject({ status: 'requested', version: 1, release_request: null });
    expect(h.releaseRequested.received).toEqual([]);
  });

  it('takes the user id from the key, never from the request', async () => {
    const res = await h.call('POST', '/v1/allocations', {
      auth: stranger.apiKey,
      body: { gpu_type: 'h100', gpu_count: 1 },
    });
    expect((await h.allocation(res.body.allocation_id as string))?.user_id).toBe(stranger.userId);
  });

  it('refuses a user key on the operator routes', async () => {
    const res = await h.call('POST', '/v1/admin/users', { auth: owner.apiKey, body: {} });
    expect(res.status).toBe(403);
  });
});
