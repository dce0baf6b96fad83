import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedNotification } from './api-seed';
import { RelayHarness } from './harness';

describe('read API: callers see only their own', () => {
  let h: RelayHarness;

  beforeAll(async () => {
    h = await RelayHarness.start('relay-api-security', { serve: false });
  });
  afterAll(() => h.close());

  const ROUTES: [string, string][] = [
    ['GET', '/v1/notifications'],
    ['POST', `/v1/notifications/ntf_${'a'.repeat(32)}/read`],
    ['GET', '/v1/notification-settings'],
    ['PUT', '/v1/notification-settings'],
    ['POST', '/v1/notification-settings/webhook/rotate-secret'],
  ];

  it('answers 401 without a key, with a bad key, a revoked key or an operator token', async () => {
    const user = await h.user();
    const revoked = await h.registry.issueKey(user.userId);
    await h.registry.revokeKey(revoked.keyId);
    for (const [method, path] of ROUTES) {
      for (const auth of [
        undefined,
        'Bearer gpk_nope',
        `Bearer ${revoked.apiKey}`,
        'Bearer eyJhbGciOiJSUzI1NiJ9.e30.x',
      ]) {
        const res = await h.call(method, path, {
          ...(auth ? { auth } : {}),
          body: method === 'PUT' ? { channels: ['in_app'] } : undefined,
        });
        expect(res.status, `${method} ${path} with ${auth}`).toBe(401);
      }
    }
  });

  it('treats another user’s notification as missing, and never lists it', async () => {
    const alice = await h.user('alice');
    const bob = await h.user('bob');
    await seedNotification(h, alice.userId, '2026-01-15T16:45:00.000Z');
    const [mine] = await h.notifications(alice.userId);
    const id = mine?.notification_id as string;

    const stolen = await h.call('POST', `/v1/notifications/${id}/read`, { auth: bob.auth });
    const missing = await h.call('POST', `/v1/notifications/ntf_${'b'.repeat(32)}/read`, {
      auth: bob.auth,
    });
    expect(stolen.status).toBe(404);
    expect(stolen.body).toEqual(missing.body);
    expect((await h.notification(id))?.read_at).toBeNull();

    const bobs = await h.call('GET', '/v1/notifications', { auth: bob.auth });
    expect(bobs.body).toMatchObject({ items: [], unread_count: 0 });
    const alices = await h.call('GET', '/v1/notifications', { auth: alice.auth });
    expect(alices.body.unread_count).toBe(1);
  });

  it('keeps each user’s endpoint and secret to themselves', async () => {
    const alice = await h.user('alice');
    const bob = await h.user('bob');
    await h.call('PUT', '/v1/notification-settings', {
      auth: alice.auth,
      body: { channels: ['webhook'], webhook: { url: 'https://alice.example.com/hook' } },
    });
    const bobs = await h.call('GET', '/v1/notification-settings', { auth: bob.auth });
    expect(bobs.body.webhook).toBeNull();
    const rotate = await h.call('POST', '/v1/notification-settings/webhook/rotate-secret', {
      auth: bob.auth,
    });
    expect(rotate.status).toBe(409);
    expect((await h.settings(alice.userId))?.webhook?.secrets).toHaveLength(1);
  });
});
