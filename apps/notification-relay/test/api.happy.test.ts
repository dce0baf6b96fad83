import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedNotification } from './api-seed';
import { RelayHarness } from './harness';

interface Item {
  notification_id: string;
  created_at: string;
  read_at: string | null;
  channel: string;
}

describe('read API', () => {
  let h: RelayHarness;

  beforeAll(async () => {
    h = await RelayHarness.start('relay-api-happy', {
      serve: false,
      env: { WEBHOOK_ALLOW_INSECURE: 'false' },
    });
  });
  afterAll(() => h.close());

  it('lists the caller’s notifications newest first, page by page, with the unread count', async () => {
    const user = await h.user();
    expect((await h.call('GET', '/v1/notifications', { auth: user.auth })).body).toEqual({
      items: [],
      next_cursor: null,
      unread_count: 0,
    });
    for (let i = 0; i < 5; i++)
      await seedNotification(h, user.userId, `2026-01-15T16:4${i}:00.000Z`);

    const seen: Item[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const res = await h.call('GET', `/v1/notifications?limit=2${q}`, { auth: user.auth });
      expect(res.status).toBe(200);
      expect(res.body.unread_count).toBe(5);
      seen.push(...(res.body.items as Item[]));
      cursor = res.body.next_cursor as string | null;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen.map((n) => n.notification_id)).size).toBe(5);
    const times = seen.map((n) => n.created_at);
    expect([...times].sort().reverse()).toEqual(times);

    const first = seen[0] as Item;
    const read = await h.call('POST', `/v1/notifications/${first.notification_id}/read`, {
      auth: user.auth,
    });
    expect(read.status).toBe(200);
    const again = await h.call('POST', `/v1/notifications/${first.notification_id}/read`, {
      auth: user.auth,
    });
    expect(again.body.read_at).toBe(read.body.read_at);
    const after = await h.call('GET', '/v1/notifications?channel=in_app&limit=1', {
      auth: user.auth,
    });
    expect(after.body.unread_count).toBe(4);
    expect((after.body.items as Item[])[0]).toMatchObject({
      notification_id: first.notification_id,
      read_at: read.body.read_at,
    });
    expect(
      (await h.call('GET', '/v1/notifications?channel=webhook', { auth: user.auth })).body.items,
    ).toEqual([]);
  });

  it('keeps settings: defaults, a webhook with its secret, per-kind channels, disable and removal', async () => {
    const user = await h.user();
    expect((await h.call('GET', '/v1/notification-settings', { auth: user.auth })).body).toEqual({
      channels: ['in_app'],
      event_channels: {},
      webhook: null,
      updated_at: null,
    });

    const put = await h.call('PUT', '/v1/notification-settings', {
      auth: user.auth,
      body: {
        channels: ['in_app', 'webhook'],
        webhook: { url: 'https://hooks.example.com/gpuaas' },
      },
    });
    expect(put.status).toBe(200);
    const webhook = put.body.webhook as { secret: string; status: string; secrets: unknown[] };
    expect(webhook).toMatchObject({
      status: 'enabled',
      url: 'https://hooks.example.com/gpuaas',
      disabled_reason: null,
    });
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhook.secrets).toHaveLength(1);
    // Any Standard Webhooks library takes the secret as it is.
    const signed = new Webhook(webhook.secret).sign('msg_1', new Date(), '{}');
    expect(signed).toMatch(/^v1,/);

    const perKind = await h.call('PUT', '/v1/notification-settings', {
      auth: user.auth,
      body: { channels: ['in_app'], event_channels: { 'balance.depleted': ['in_app', 'webhook'] } },
    });
    expect(perKind.body).toMatchObject({
      channels: ['in_app'],
      event_channels: { 'balance.depleted': ['in_app', 'webhook'] },
      webhook: { secret: webhook.secret },
    });

    const off = await h.call('PUT', '/v1/notification-settings', {
      auth: user.auth,
      body: {
        channels: ['in_app'],
        webhook: { url: 'https://hooks.example.com/gpuaas', enabled: false },
      },
    });
    expect(off.body.webhook).toMatchObject({
      status: 'disabled',
      disabled_reason: 'user',
      secret: webhook.secret,
    });

    const removed = await h.call('PUT', '/v1/notification-settings', {
      auth: user.auth,
      body: { channels: ['in_app'], webhook: null },
    });
    expect(removed.body.webhook).toBeNull();
    expect(
      (await h.call('GET', '/v1/notification-settings', { auth: user.auth })).body.webhook,
    ).toBeNull();
  });

  it('rotates the secret: a new current one, the old one kept for the grace period', async () => {
    const user = await h.user();
    const put = await h.call('PUT', '/v1/notification-settings', {
      auth: user.auth,
      body: { channels: ['webhook'], webhook: { url: 'https://hooks.example.com/r' } },
    });
    const before = (put.body.webhook as { secret: string }).secret;
    const rotated = await h.call('POST', '/v1/notification-settings/webhook/rotate-secret', {
      auth: user.auth,
    });
    expect(rotated.status).toBe(200);
    const after = rotated.body.webhook as {
      secret: string;
      secrets: { created_at: string; expires_at: string | null }[];
    };
    expect(after.secret).not.toBe(before);
    expect(after.secrets).toHaveLength(2);
    const graceEnd = Date.parse(after.secrets[1]?.expires_at ?? '');
    expect(graceEnd - Date.now()).toBeGreaterThan(23 * 3_600_000);
    const stored = await h.settings(user.userId);
    expect(stored?.webhook?.secrets.map((s) => s.secret)).toEqual([after.secret, before]);
  });

  it('documents itself', async () => {
    const res = await h.service.app.request('/openapi.json');
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/v1/notification-settings',
      '/v1/notification-settings/webhook/rotate-secret',
      '/v1/notifications',
      '/v1/notifications/{notification_id}/read',
    ]);
    expect(Object.keys(doc.paths['/v1/notification-settings'] ?? {}).sort()).toEqual([
      'get',
      'put',
    ]);
  });
});
