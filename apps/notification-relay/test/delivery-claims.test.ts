import { Timestamp } from '@google-cloud/firestore';
import { examples } from '@gpuaas/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDue } from '../src/store/delivery-claims';
import { notificationRef } from '../src/store/notifications';
import { RelayHarness } from './harness';
import { type Answer, WebhookReceiver } from './receiver';

/** Delivery only from the task here, so each test decides when attempts run. */
describe('the delivery task: claims, concurrency, fairness', () => {
  let h: RelayHarness;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    h = await RelayHarness.start('relay-claims', {
      env: {
        DELIVER_ON_RECEIPT: 'false',
        WEBHOOK_RETRY_SCHEDULE: '0,200ms',
        WEBHOOK_ATTEMPT_TIMEOUT: '1500ms',
        DELIVERY_CLAIM: '2s',
        DELIVERY_PER_USER: '3',
      },
    });
  });
  afterAll(async () => {
    await h.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  async function pendingFor(answer: (n: number) => Answer, count = 1) {
    const receiver = await WebhookReceiver.start(answer);
    receivers.push(receiver);
    const user = await h.webhookUser(receiver.url);
    for (let i = 0; i < count; i++) {
      await h.publish('platform.billing.auto_release_pending', {
        ...examples['platform.billing.auto_release_pending'],
        user_id: user.userId,
        projected_depletion_at: `2026-01-15T17:${String(10 + i).padStart(2, '0')}:00Z`,
      });
    }
    await expect
      .poll(
        async () =>
          (await h.notifications(user.userId)).filter((n) => n.status === 'pending').length,
        { timeout: 15_000 },
      )
      .toBe(count);
    const ids = (await h.notifications(user.userId)).map((n) => n.notification_id);
    return { receiver, user, ids };
  }

  it('stores webhook copies pending without sending anything in the push', async () => {
    const { receiver, ids } = await pendingFor(() => ({ status: 200 }));
    expect(receiver.received).toHaveLength(0);
    expect((await h.notification(ids[0] as string))?.attempts).toEqual([]);
    await h.tick();
    expect(receiver.received).toHaveLength(1);
  });

  it('never delivers one attempt twice when ticks run at once', async () => {
    const batches = await Promise.all(
      [0, 1, 2].map(() => pendingFor(() => ({ status: 200, delayMs: 100 }), 2)),
    );
    const results = await Promise.all([h.tick(), h.tick(), h.tick()]);
    expect(results.reduce((sum, r) => sum + r.claimed, 0)).toBe(6);
    expect(results.reduce((sum, r) => sum + r.delivered, 0)).toBe(6);
    for (const { receiver, ids } of batches) {
      expect(receiver.received).toHaveLength(2);
      for (const id of ids) {
        expect(receiver.withId(id)).toHaveLength(1);
        expect((await h.notification(id))?.attempts).toHaveLength(1);
      }
    }
  });

  it('does not let a slow endpoint hold up another user in the same tick', async () => {
    const slow = await pendingFor((n) =>
      n === 1 ? { status: 200, delayMs: Number.POSITIVE_INFINITY } : { status: 200 },
    );
    const fast = await pendingFor(() => ({ status: 200 }));
    const result = await h.tick();
    expect(result.claimed).toBeGreaterThanOrEqual(2);
    const f = await h.notification(fast.ids[0] as string);
    const s = await h.notification(slow.ids[0] as string);
    expect(f?.status).toBe('delivered');
    // Answered within its own attempt timeout (1.5 s), not held behind the slow one's.
    expect(f?.attempts[0]?.duration_ms).toBeLessThan(1500);
    expect(s?.attempts[0]).toMatchObject({ outcome: 'timeout' });
    // The fast one was settled while the slow one was still waiting for its answer.
    const slowEnd =
      (s?.attempts[0]?.started_at.toMillis() ?? 0) + (s?.attempts[0]?.duration_ms ?? 0);
    expect(f?.delivered_at?.toMillis()).toBeLessThan(slowEnd);
  });

  it('takes at most the per-user share of one backlog per tick', async () => {
    const busy = await pendingFor(() => ({ status: 200 }), 5);
    const other = await pendingFor(() => ({ status: 200 }));
    await h.tick();
    expect(busy.receiver.received).toHaveLength(3);
    expect(other.receiver.received).toHaveLength(1);
    await h.tick();
    expect(busy.receiver.received).toHaveLength(5);
  });

  it('takes over an attempt whose claimer died, once its claim ran out', async () => {
    const { receiver, ids } = await pendingFor(() => ({ status: 200 }));
    const id = ids[0] as string;
    const snap = await notificationRef(h.firestore, id).get();
    // A tick that claimed it and died: its claim is all that is left of it, in Firestore.
    expect(await claimDue(snap, 'a-dead-tick', Timestamp.now(), h.config.claimMs)).toBe(true);
    expect(await claimDue(snap, 'another-tick', Timestamp.now(), h.config.claimMs)).toBe(false);
    await h.tick();
    expect(receiver.received).toHaveLength(0);
    expect((await h.notification(id))?.claim_owner).toBe('a-dead-tick');
    await expect
      .poll(
        async () => {
          await h.tick();
          return (await h.notification(id))?.status;
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe('delivered');
    expect(receiver.received).toHaveLength(1);
  });
});
