import { examples, subscriptionName } from '@gpuaas/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpsAlertDoc } from '../src/store/ops-alerts';
import { RelayHarness } from './harness';
import { WebhookReceiver } from './receiver';

interface SlackMessage {
  text: string;
  blocks: {
    type: string;
    fields?: { text: string }[];
    elements?: { url?: string; text?: unknown }[];
  }[];
}

describe('ops alerts to a Slack-compatible incoming webhook', () => {
  let h: RelayHarness;
  let ops: WebhookReceiver;

  beforeAll(async () => {
    ops = await WebhookReceiver.start(() => ({ status: 200, body: 'ok' }));
    h = await RelayHarness.start('relay-ops', {
      env: {
        OPS_ALERT_WEBHOOK_URL: `${ops.url}/T000/B000/secret`,
        REPLAY_CONSOLE_URL: 'https://replay.example.com/dead-letters',
        WEBHOOK_RETRY_SCHEDULE: '0,200ms',
      },
    });
  });
  afterAll(async () => {
    await h.close();
    await ops.close();
  });

  const messagesAbout = (text: string) =>
    ops.received
      .filter((r) => r.body.includes(text))
      .map((r) => JSON.parse(r.body) as SlackMessage);

  it('sends reconcile_failed to the user and to ops, once each though published three times', async () => {
    const user = await h.user();
    const payload = {
      ...examples['platform.payments.reconcile_failed'],
      user_id: user.userId,
      stripe_event_id: 'evt_ops_reconcile_1',
      payment_session_id: 'cs_test_ops_reconcile_1',
    };
    await Promise.all(
      [1, 2, 3].map(() =>
        h.publish('platform.payments.reconcile_failed', payload, 'corr-reconcile-1'),
      ),
    );

    await expect
      .poll(() => messagesAbout('evt_ops_reconcile_1').length, { timeout: 15_000 })
      .toBe(1);
    const [message] = messagesAbout('evt_ops_reconcile_1');
    expect(message?.text).toContain('evt_ops_reconcile_1');
    const fields = message?.blocks.flatMap((b) => b.fields ?? []).map((f) => f.text) ?? [];
    expect(fields).toEqual(
      expect.arrayContaining([
        '*Reason*\n`currency_mismatch`',
        '*Stripe event*\n`evt_ops_reconcile_1`',
        '*Correlation id*\n`corr-reconcile-1`',
        `*User*\n\`${user.userId}\``,
      ]),
    );
    const button = message?.blocks.find((b) => b.type === 'actions')?.elements?.[0];
    expect(button?.url).toBe(
      'https://replay.example.com/dead-letters?correlation_id=corr-reconcile-1',
    );

    await expect
      .poll(async () => (await h.notifications(user.userId)).length, { timeout: 15_000 })
      .toBe(1);
    const [n] = await h.notifications(user.userId);
    expect(n).toMatchObject({
      kind: 'payment.reconcile_failed',
      channel: 'in_app',
      title: 'We could not apply your payment',
    });

    await expect
      .poll(
        () =>
          h.outcomes(subscriptionName('platform.payments.reconcile_failed', 'ops')).duplicate ?? 0,
        { timeout: 15_000 },
      )
      .toBe(2);
    const alertsOf = async () =>
      (await h.opsAlerts('platform.payments.reconcile_failed')).filter(
        (a) => a.stripe_event_id === 'evt_ops_reconcile_1',
      );
    await expect
      .poll(async () => (await alertsOf()).map((a) => a.status), { timeout: 10_000 })
      .toEqual(['delivered']);
    const alerts = await alertsOf();
    expect(alerts[0]).toMatchObject({
      consumer: 'ops',
      status: 'delivered',
      reason: 'currency_mismatch',
      correlation_id: 'corr-reconcile-1',
      replay_url: 'https://replay.example.com/dead-letters?correlation_id=corr-reconcile-1',
    });
    // The incoming-webhook URL is a credential: the trail keeps its origin only.
    expect(alerts[0]?.attempts[0]?.url).toBe(`${new URL(ops.url).origin}/…`);
  });

  it('raises an ops alert for release_failed from the relay subscription, beside the user notification', async () => {
    const user = await h.user();
    const payload = {
      ...examples['gpuaas.provisioning.release_failed'],
      user_id: user.userId,
      allocation_id: 'alloc-ops-release-1',
    };
    await h.publish('gpuaas.provisioning.release_failed', payload, 'corr-release-1');
    await expect
      .poll(() => messagesAbout('alloc-ops-release-1').length, { timeout: 15_000 })
      .toBe(1);
    const [message] = messagesAbout('alloc-ops-release-1');
    const fields = message?.blocks.flatMap((b) => b.fields ?? []).map((f) => f.text) ?? [];
    expect(fields).toEqual(
      expect.arrayContaining([
        '*Reason*\n`provider_timeout`',
        '*Allocation*\n`alloc-ops-release-1`',
        '*Correlation id*\n`corr-release-1`',
      ]),
    );
    expect(message?.blocks.some((b) => b.type === 'actions')).toBe(false);
    const alertOf = async () =>
      (await h.opsAlerts('gpuaas.provisioning.release_failed')).find(
        (a) => a.allocation_id === 'alloc-ops-release-1',
      );
    await expect.poll(async () => (await alertOf())?.status, { timeout: 10_000 }).toBe('delivered');
    expect(await alertOf()).toMatchObject({
      consumer: 'notification-relay',
      kind: 'allocation.release_failed',
    });
    expect(await h.notifications(user.userId, 'gpuaas.provisioning.release_failed')).toHaveLength(
      1,
    );
  });

  it('alerts ops only when a payment names no account, or one we do not know', async () => {
    const { user_id: _, ...anonymous } = examples['platform.payments.reconcile_failed'];
    await h.publish('platform.payments.reconcile_failed', {
      ...anonymous,
      reason_code: 'missing_user',
      stripe_event_id: 'evt_ops_missing_user',
    });
    await h.publish('platform.payments.reconcile_failed', {
      ...anonymous,
      user_id: 'usr-not-registered',
      reason_code: 'unknown_user',
      stripe_event_id: 'evt_ops_unknown_user',
    });
    await expect
      .poll(() => messagesAbout('evt_ops_missing_user').length, { timeout: 15_000 })
      .toBe(1);
    await expect
      .poll(() => messagesAbout('evt_ops_unknown_user').length, { timeout: 15_000 })
      .toBe(1);
    await expect
      .poll(
        async () =>
          (await h.completed('notification-relay', 'platform.payments.reconcile_failed')).length,
        { timeout: 15_000 },
      )
      .toBe(3);
    expect(await h.notifications('usr-not-registered')).toEqual([]);
  });

  it('retries an ops alert the incoming webhook refused', async () => {
    let calls = 0;
    ops.answerWith(() => (++calls === 1 ? { status: 503 } : { status: 200, body: 'ok' }));
    try {
      const user = await h.user();
      await h.publish('gpuaas.provisioning.release_failed', {
        ...examples['gpuaas.provisioning.release_failed'],
        user_id: user.userId,
        allocation_id: 'alloc-ops-retry',
      });
      let alert: OpsAlertDoc | undefined;
      await expect
        .poll(
          async () => {
            await h.tick();
            [alert] = (await h.opsAlerts('gpuaas.provisioning.release_failed')).filter(
              (a) => a.allocation_id === 'alloc-ops-retry',
            );
            return alert?.status;
          },
          { timeout: 15_000, interval: 100 },
        )
        .toBe('delivered');
      expect(alert?.attempts.map((a) => a.status_code)).toEqual([503, 200]);
    } finally {
      ops.answerWith(() => ({ status: 200, body: 'ok' }));
    }
  });
});
