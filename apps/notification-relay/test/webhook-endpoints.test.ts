import { examples } from '@gpuaas/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationDoc } from '../src/store/notifications';
import { RelayHarness } from './harness';
import { WebhookReceiver } from './receiver';

describe('customer endpoints: failing periods and secret rotation', () => {
  let h: RelayHarness;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    h = await RelayHarness.start('relay-endpoints', {
      env: {
        WEBHOOK_RETRY_SCHEDULE: '0,300ms,300ms,300ms,300ms,300ms,300ms,300ms',
        WEBHOOK_DISABLE_AFTER: '700ms',
        WEBHOOK_SECRET_GRACE: '2s',
      },
    });
  });
  afterAll(async () => {
    await h.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  const receiver = async (status = 204) => {
    const r = await WebhookReceiver.start(() => ({ status }));
    receivers.push(r);
    return r;
  };

  const publishFor = (userId: string, tag: string) =>
    h.publish('gpuaas.provisioning.releasing.completed', {
      ...examples['gpuaas.provisioning.releasing.completed'],
      user_id: userId,
      allocation_id: `alloc-${tag}`,
    });

  const webhookCopy = async (userId: string, tag: string) =>
    (await h.notifications(userId, 'gpuaas.provisioning.releasing.completed')).find(
      (n) => n.channel === 'webhook' && n.details.allocation_id === `alloc-${tag}`,
    );

  async function settled(userId: string, tag: string): Promise<NotificationDoc> {
    await expect
      .poll(
        async () => {
          await h.tick();
          return (await webhookCopy(userId, tag))?.status ?? 'missing';
        },
        { timeout: 15_000, interval: 100 },
      )
      .not.toMatch(/^(pending|missing)$/);
    return (await webhookCopy(userId, tag)) as NotificationDoc;
  }

  it('disables an endpoint that failed everything for the configured period and tells the user in-app', async () => {
    const r = await receiver(500);
    const user = await h.webhookUser(r.url);
    await publishFor(user.userId, 'failing');
    const n = await settled(user.userId, 'failing');
    expect(n).toMatchObject({ status: 'disabled', status_reason: 'endpoint_failing' });
    // Disabled once the period passed, before the schedule ran out.
    expect(n.attempts.length).toBeGreaterThanOrEqual(2);
    expect(n.attempts.length).toBeLessThan(8);
    expect(n.attempts.every((a) => a.outcome === 'server_error')).toBe(true);
    const endpoint = (await h.settings(user.userId))?.webhook;
    expect(endpoint).toMatchObject({ status: 'disabled', disabled_reason: 'failing' });
    const failingFor =
      (endpoint?.disabled_at?.toMillis() ?? 0) - (endpoint?.failing_since?.toMillis() ?? 0);
    expect(failingFor).toBeGreaterThanOrEqual(700);
    const list = await h.call('GET', '/v1/notifications?channel=in_app', { auth: user.auth });
    expect(list.body.items).toMatchObject([
      {
        kind: 'webhook.endpoint_disabled',
        title: 'Your webhook endpoint was disabled',
        links: [{ rel: 'settings' }],
      },
    ]);
    expect(list.body.unread_count).toBe(1);

    // The user fixes it and enables it again: the next event is delivered.
    r.answerWith(() => ({ status: 200 }));
    const enabled = await h.call('PUT', '/v1/notification-settings', {
      auth: user.auth,
      body: { channels: ['webhook'], webhook: { url: r.url, enabled: true } },
    });
    expect(enabled.body.webhook).toMatchObject({
      status: 'enabled',
      disabled_reason: null,
      failing_since: null,
    });
    await publishFor(user.userId, 'fixed');
    expect((await settled(user.userId, 'fixed')).status).toBe('delivered');
  });

  it('signs with both secrets during a rotation, then with the new one only', async () => {
    const r = await receiver();
    const user = await h.webhookUser(r.url);
    const rotated = await h.call('POST', '/v1/notification-settings/webhook/rotate-secret', {
      auth: user.auth,
    });
    expect(rotated.status).toBe(200);
    const webhook = rotated.body.webhook as {
      secret: string;
      secrets: { expires_at: string | null }[];
    };
    expect(webhook.secret).toMatch(/^whsec_/);
    expect(webhook.secret).not.toBe(user.secret);
    expect(webhook.secrets.map((s) => s.expires_at === null)).toEqual([true, false]);
    r.secrets = [user.secret, webhook.secret];

    await publishFor(user.userId, 'rotating');
    expect((await settled(user.userId, 'rotating')).status).toBe('delivered');
    const during = r.received.at(-1);
    expect(during?.verified).toEqual({ [user.secret]: true, [webhook.secret]: true });
    expect(String(during?.headers['webhook-signature']).split(' ')).toHaveLength(2);

    // After the grace period the old secret signs no more.
    await expect
      .poll(
        async () =>
          (
            (await h.call('GET', '/v1/notification-settings', { auth: user.auth })).body
              .webhook as { secrets: unknown[] }
          ).secrets.length,
        {
          timeout: 5_000,
          interval: 200,
        },
      )
      .toBe(1);
    await publishFor(user.userId, 'rotated');
    expect((await settled(user.userId, 'rotated')).status).toBe('delivered');
    const after = r.received.at(-1);
    expect(after?.verified).toEqual({ [user.secret]: false, [webhook.secret]: true });
    expect(String(after?.headers['webhook-signature']).split(' ')).toHaveLength(1);
  });
});
