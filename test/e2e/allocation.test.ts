// One user's allocation through every app: top-up, request, active, metered, released, charged,
// notified — through the real push subscriptions of the derived bus.
import { createLedger } from '@gpuaas/ledger';
import { paidCheckout } from '@gpuaas/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformUnderTest, startPlatformUnderTest } from '../support/platform';

describe('an allocation through the whole platform', () => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await startPlatformUnderTest();
  });
  afterAll(() => platform?.close());

  const api = (path: string, key: string, init: RequestInit = {}) =>
    fetch(`${platform.urls.orchestrator}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });

  it('is provisioned, metered, released, charged and notified', async () => {
    const { userId, apiKey } = await platform.user();
    const topUp = await platform.stripeWebhook(paidCheckout(userId, 5_000)); // $50
    expect(topUp.status).toBe(200);
    const ledger = createLedger({ firestore: platform.bus.firestore });
    await expect
      .poll(() => ledger.userBalance(userId, 'USD'), { timeout: 20_000 })
      .toBe(50_000_000);

    const requested = await api('/v1/allocations', apiKey, {
      method: 'POST',
      headers: { 'idempotency-key': `e2e-${userId}` },
      body: JSON.stringify({ gpu_type: 'h100', gpu_count: 1 }),
    });
    expect(requested.status).toBe(202);
    const { allocation_id: id } = (await requested.json()) as { allocation_id: string };
    const status = async () =>
      ((await (await api(`/v1/allocations/${id}`, apiKey)).json()) as { status: string }).status;
    await expect.poll(status, { timeout: 60_000, interval: 500 }).toBe('active');

    await new Promise((r) => setTimeout(r, 2_000));
    await platform.tick('provisioning-worker', 'meter');
    expect((await api(`/v1/allocations/${id}/release`, apiKey, { method: 'POST' })).status).toBe(
      202,
    );
    await expect.poll(status, { timeout: 60_000, interval: 500 }).toBe('released');

    const usage = async () =>
      (
        (await (
          await fetch(`${platform.urls['billing-worker']}/v1/usage`, {
            headers: { authorization: `Bearer ${apiKey}` },
          })
        ).json()) as { items: { amount_micros: number }[] }
      ).items;
    await expect
      .poll(async () => (await usage()).length, { timeout: 60_000, interval: 500 })
      .toBeGreaterThan(0);
    const charged = (await usage()).reduce((sum, line) => sum + line.amount_micros, 0);
    await expect
      .poll(() => ledger.userBalance(userId, 'USD'), { timeout: 30_000 })
      .toBe(50_000_000 - charged);
    expect((await ledger.check()).ok).toBe(true);

    const notifications = async () =>
      (
        (await (
          await fetch(`${platform.urls['notification-relay']}/v1/notifications`, {
            headers: { authorization: `Bearer ${apiKey}` },
          })
        ).json()) as { items: { event_type: string }[] }
      ).items.map((n) => n.event_type);
    await expect
      .poll(notifications, { timeout: 30_000, interval: 500 })
      .toEqual(
        expect.arrayContaining([
          'gpuaas.provisioning.active',
          'gpuaas.provisioning.releasing.completed',
        ]),
      );
  }, 240_000);
});
