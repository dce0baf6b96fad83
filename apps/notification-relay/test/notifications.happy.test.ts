import { type EventType, examples, type PayloadOf, subscriptionName } from '@gpuaas/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLinks } from '../src/domain/links';
import { NOTIFIED_EVENT_TYPES, type NotifiedEventType } from '../src/domain/notification';
import { renderNotification } from '../src/domain/templates';
import { RelayHarness } from './harness';
import { WebhookReceiver } from './receiver';

/** The example payload of a type, addressed to `userId`. */
function payloadFor<T extends NotifiedEventType>(
  type: T,
  userId: string,
  tag: string,
): PayloadOf<T> {
  const base: Record<string, unknown> = { ...(examples[type] as object), user_id: userId };
  if ('allocation_id' in base) base.allocation_id = `alloc-${tag}`;
  if (type === 'platform.payments.reconcile_failed') base.payment_session_id = `cs_test_${tag}`;
  return base as PayloadOf<T>;
}

const pushesOf = (h: RelayHarness, type: EventType) => {
  const o = h.outcomes(subscriptionName(type, 'notification-relay'));
  return (o.processed ?? 0) + (o.duplicate ?? 0);
};

describe('every consumed event becomes one stored notification and one delivery', () => {
  let h: RelayHarness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    h = await RelayHarness.start('relay-happy', {
      env: { CONSOLE_URL: 'https://console.example.com', WEBHOOK_RETRY_SCHEDULE: '0,200ms,400ms' },
    });
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  it('stores each of the eight once, with its text, delivered once by webhook, though each was published three times', async () => {
    const user = await h.webhookUser(receiver.url);
    receiver.secrets = [user.secret];
    const tag = Math.random().toString(36).slice(2, 8);
    const payloads = NOTIFIED_EVENT_TYPES.map(
      (type) => [type, payloadFor(type, user.userId, tag)] as const,
    );

    // Three deliveries of each event (Pub/Sub may add its own): two at once, then one more.
    await Promise.all(payloads.flatMap(([type, p]) => [h.publish(type, p), h.publish(type, p)]));
    for (const [type] of payloads)
      await expect.poll(() => pushesOf(h, type), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    await Promise.all(payloads.map(([type, p]) => h.publish(type, p)));
    for (const [type] of payloads)
      await expect.poll(() => pushesOf(h, type), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);

    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(8);
    await expect
      .poll(
        async () =>
          (await h.notifications(user.userId)).filter((n) => n.status === 'delivered').length,
        { timeout: 10_000 },
      )
      .toBe(8);
    await h.tick();
    expect(receiver.received).toHaveLength(8);

    const links = createLinks({ consoleUrl: 'https://console.example.com' });
    for (const [type, payload] of payloads) {
      const stored = await h.notifications(user.userId, type);
      expect(stored, type).toHaveLength(1);
      const [n] = stored;
      if (!n) throw new Error('unreachable');
      const expected = renderNotification(type, payload, links);
      expect(n).toMatchObject({
        channel: 'webhook',
        status: 'delivered',
        kind: expected.kind,
        title: expected.title,
        body: expected.body,
        severity: expected.severity,
        links: expected.links,
      });
      expect(n.attempts).toHaveLength(1);
      expect(n.attempts[0]).toMatchObject({ number: 1, outcome: 'delivered', status_code: 204 });
      expect((await h.completed('notification-relay', type)).length).toBe(1);

      const got = receiver.withId(n.notification_id);
      expect(got, type).toHaveLength(1);
      expect(got[0]?.verified[user.secret]).toBe(true);
      expect(got[0]?.json).toMatchObject({
        type: expected.kind,
        data: {
          notification_id: n.notification_id,
          title: expected.title,
          event_type: type,
          correlation_id: n.correlation_id,
        },
      });
    }

    // The texts say what happened, with the values of the event.
    const [active] = await h.notifications(user.userId, 'gpuaas.provisioning.active');
    expect(active?.title).toBe('Your 2× nvidia-h100-80gb allocation is ready');
    expect(active?.body).toContain(`alloc-${tag}`);
    expect(active?.links).toEqual([
      { rel: 'allocation', href: `https://console.example.com/allocations/alloc-${tag}` },
    ]);
    const [depleted] = await h.notifications(user.userId, 'platform.billing.balance_depleted');
    expect(depleted?.title).toBe('Your USD balance is used up');
    expect(depleted?.links[0]).toEqual({
      rel: 'balance',
      href: 'https://console.example.com/billing/balance',
    });
  });

  it('notifies in-app by default: listed unread, then read', async () => {
    const user = await h.user();
    const payload = payloadFor('platform.billing.low_balance_warning', user.userId, 'default');
    await h.publish('platform.billing.low_balance_warning', payload, 'corr-default-channel');
    await expect
      .poll(async () => (await h.notifications(user.userId)).length, { timeout: 15_000 })
      .toBe(1);
    const [n] = await h.notifications(user.userId);
    expect(n).toMatchObject({
      channel: 'in_app',
      status: 'delivered',
      correlation_id: 'corr-default-channel',
      read_at: null,
    });
    expect(n?.event_id).toMatch(/^[0-9a-f-]{36}$/);

    const list = await h.call('GET', '/v1/notifications', { auth: user.auth });
    expect(list.status).toBe(200);
    expect(list.body.unread_count).toBe(1);
    expect(list.body.items).toMatchObject([
      { notification_id: n?.notification_id, title: 'Your USD balance is low' },
    ]);

    const read = await h.call('POST', `/v1/notifications/${n?.notification_id}/read`, {
      auth: user.auth,
    });
    expect(read.status).toBe(200);
    expect(read.body.read_at).toEqual(expect.any(String));
    expect((await h.call('GET', '/v1/notifications', { auth: user.auth })).body.unread_count).toBe(
      0,
    );
  });

  it('sends to both channels when asked, one copy each, sharing a group', async () => {
    const user = await h.webhookUser(receiver.url, ['in_app', 'webhook']);
    receiver.secrets = [user.secret];
    const payload = payloadFor('gpuaas.provisioning.failed', user.userId, 'both');
    await h.publish('gpuaas.provisioning.failed', payload);
    await expect
      .poll(
        async () =>
          (await h.notifications(user.userId)).map((n) => `${n.channel}:${n.status}`).sort(),
        { timeout: 15_000 },
      )
      .toEqual(['in_app:delivered', 'webhook:delivered']);
    const copies = await h.notifications(user.userId);
    expect(new Set(copies.map((c) => c.group_id)).size).toBe(1);
  });
});
