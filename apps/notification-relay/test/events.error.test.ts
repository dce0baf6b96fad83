import { examples, subscriptionName } from '@gpuaas/contracts';
import { event, pushBody } from '@gpuaas/eventing/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayHarness } from './harness';

describe('events the relay cannot or need not notify', () => {
  let h: RelayHarness;

  beforeAll(async () => {
    h = await RelayHarness.start('relay-events-error');
  });
  afterAll(() => h.close());

  it('acknowledges an event for a user the registry does not know, storing nothing for them', async () => {
    const payload = {
      ...examples['platform.billing.balance_depleted'],
      user_id: 'usr-nobody-here',
    };
    await h.publish('platform.billing.balance_depleted', payload);
    await expect
      .poll(
        async () =>
          (await h.completed('notification-relay', 'platform.billing.balance_depleted')).length,
        { timeout: 15_000 },
      )
      .toBe(1);
    expect(await h.notifications('usr-nobody-here')).toEqual([]);
    expect(
      h.outcomes(subscriptionName('platform.billing.balance_depleted', 'notification-relay')),
    ).toEqual({ processed: 1 });
  });

  it('still raises the ops alert of a failed release whose user is unknown', async () => {
    await h.publish('gpuaas.provisioning.release_failed', {
      ...examples['gpuaas.provisioning.release_failed'],
      user_id: 'usr-gone-away',
      allocation_id: 'alloc-of-nobody',
    });
    await expect
      .poll(
        async () =>
          (await h.opsAlerts('gpuaas.provisioning.release_failed')).map((a) => a.allocation_id),
        { timeout: 15_000 },
      )
      .toEqual(['alloc-of-nobody']);
    // No OPS_ALERT_WEBHOOK_URL here: stored for the record, not sent.
    const [alert] = await h.opsAlerts('gpuaas.provisioning.release_failed');
    expect(alert).toMatchObject({
      status: 'disabled',
      status_reason: 'ops_webhook_not_configured',
    });
    expect(await h.notifications('usr-gone-away')).toEqual([]);
  });

  it('does not mistake a user id that is no document id for a user (nor retry it forever)', async () => {
    await h.publish('gpuaas.provisioning.active', {
      ...examples['gpuaas.provisioning.active'],
      user_id: 'tenants/acme/users/1',
    });
    await expect
      .poll(
        async () => (await h.completed('notification-relay', 'gpuaas.provisioning.active')).length,
        { timeout: 15_000 },
      )
      .toBe(1);
    expect(
      h.outcomes(subscriptionName('gpuaas.provisioning.active', 'notification-relay')),
    ).toEqual({ processed: 1 });
  });

  it('dead-letters a payload that breaks its schema, with the reason', async () => {
    const dlq = h.served?.deadLetters('notification-relay');
    const bad = event('gpuaas.provisioning.failed', examples['gpuaas.provisioning.failed']);
    (bad.payload as Record<string, unknown>).reason_code = 'gremlins';
    const res = await h.service.app.request('/push/gpuaas.provisioning.failed', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        pushBody(bad, { subscription: 'gpuaas.provisioning.failed.notification-relay' }),
      ),
    });
    expect(res.status).toBe(204);
    const letter = await dlq?.waitFor((m) => m.attributes.event_id === bad.event_id);
    expect(letter?.attributes).toMatchObject({
      dlq_reason: 'payload_invalid',
      source_subscription: 'gpuaas.provisioning.failed.notification-relay',
    });
    expect(letter?.attributes.dlq_detail).toContain('reason_code');
  });

  it('mounts the ops consumer under /ops', async () => {
    const routes = h.service.app.routes.map((r) => r.path);
    expect(routes).toContain('/ops/push/platform.payments.reconcile_failed');
    expect(routes).toContain('/push/platform.payments.reconcile_failed');
    expect(routes).toContain('/tasks/deliver-notifications');
  });
});
