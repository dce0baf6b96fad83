import { examples } from '@gpuaas/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationDoc } from '../src/store/notifications';
import { RelayHarness } from './harness';
import { type Answer, WebhookReceiver } from './receiver';

const SCHEDULE = [0, 300, 600, 900];

describe('customer webhook retries (schedule compressed to 0, 300 ms, 600 ms, 900 ms)', () => {
  let h: RelayHarness;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    h = await RelayHarness.start('relay-retries', {
      env: {
        WEBHOOK_RETRY_SCHEDULE: SCHEDULE.join(','),
        WEBHOOK_ATTEMPT_TIMEOUT: '1s',
        WEBHOOK_DISABLE_AFTER: '1h',
      },
    });
  });
  afterAll(async () => {
    await h.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  /** A user whose endpoint answers as `answers` says, and the webhook copy of one event for them. */
  async function scenario(answer: (n: number) => Answer) {
    const receiver = await WebhookReceiver.start(answer);
    receivers.push(receiver);
    const user = await h.webhookUser(receiver.url);
    receiver.secrets = [user.secret];
    const payload = {
      ...examples['gpuaas.provisioning.active'],
      user_id: user.userId,
      allocation_id: `alloc-${user.userId}`,
    };
    await h.publish('gpuaas.provisioning.active', payload);
    const n = await expect
      .poll(async () => (await h.notifications(user.userId))[0], { timeout: 15_000 })
      .toBeDefined()
      .then(async () => (await h.notifications(user.userId))[0] as NotificationDoc);
    return { receiver, user, id: n.notification_id };
  }

  /** Calls the scheduler tick until the notification settles, and returns it. */
  async function tickUntilSettled(id: string, timeout = 15_000): Promise<NotificationDoc> {
    await expect
      .poll(
        async () => {
          await h.tick();
          return (await h.notification(id))?.status;
        },
        { timeout, interval: 100 },
      )
      .not.toBe('pending');
    return (await h.notification(id)) as NotificationDoc;
  }

  const startedAt = (n: NotificationDoc, i: number) =>
    n.attempts[i]?.started_at.toMillis() ?? Number.NaN;

  it('ends delivered after 3 attempts when the endpoint fails twice, with the backoff between them', async () => {
    const { receiver, user, id } = await scenario((n) =>
      n <= 2 ? { status: n === 1 ? 500 : 503 } : { status: 200 },
    );
    const n = await tickUntilSettled(id);
    expect(n.status).toBe('delivered');
    expect(n.attempts.map((a) => [a.number, a.outcome, a.status_code])).toEqual([
      [1, 'server_error', 500],
      [2, 'server_error', 503],
      [3, 'delivered', 200],
    ]);
    expect(startedAt(n, 1) - startedAt(n, 0)).toBeGreaterThanOrEqual(SCHEDULE[1] as number);
    expect(startedAt(n, 2) - startedAt(n, 1)).toBeGreaterThanOrEqual(SCHEDULE[2] as number);
    // One message, retried: the same webhook id each time, every body verifying.
    expect(receiver.received).toHaveLength(3);
    expect(receiver.withId(id)).toHaveLength(3);
    expect(receiver.received.every((r) => r.verified[user.secret])).toBe(true);
    // A success ends the endpoint's failing period.
    expect((await h.settings(user.userId))?.webhook?.failing_since).toBeNull();
  });

  it('disables the endpoint at once on 410, tells the user in-app, and sends nothing more', async () => {
    const { receiver, user, id } = await scenario(() => ({ status: 410 }));
    const n = await tickUntilSettled(id);
    expect(n).toMatchObject({ status: 'disabled', status_reason: 'endpoint_gone' });
    expect(n.attempts).toHaveLength(1);
    expect((await h.settings(user.userId))?.webhook).toMatchObject({
      status: 'disabled',
      disabled_reason: 'gone',
    });
    const notice = (await h.notifications(user.userId)).filter(
      (x) => x.kind === 'webhook.endpoint_disabled',
    );
    expect(notice).toMatchObject([
      { channel: 'in_app', status: 'delivered', title: 'Your webhook endpoint was disabled' },
    ]);

    // Later events are stored, not sent.
    await h.publish('gpuaas.provisioning.failed', {
      ...examples['gpuaas.provisioning.failed'],
      user_id: user.userId,
    });
    await expect
      .poll(
        async () =>
          (await h.notifications(user.userId, 'gpuaas.provisioning.failed'))[0]?.status_reason,
        { timeout: 15_000 },
      )
      .toBe('endpoint_disabled');
    await h.tick();
    expect(receiver.received).toHaveLength(1);
  });

  it('ends failed with every attempt recorded when the endpoint always fails; the push was acknowledged at once', async () => {
    const { receiver, user, id } = await scenario(() => ({
      status: 500,
      body: 'boom',
      delayMs: 400,
    }));
    const n = await tickUntilSettled(id);
    expect(n).toMatchObject({
      status: 'failed',
      status_reason: 'attempts_exhausted',
      next_attempt_at: null,
    });
    expect(n.attempts).toHaveLength(SCHEDULE.length);
    for (const [i, a] of n.attempts.entries()) {
      expect(a).toMatchObject({
        number: i + 1,
        outcome: 'server_error',
        status_code: 500,
        response_excerpt: 'boom',
        url: receiver.url,
      });
      expect(a.duration_ms).toBeGreaterThanOrEqual(350);
    }
    expect(receiver.received).toHaveLength(SCHEDULE.length);

    // Acknowledged once, before the endpoint had even answered the first attempt.
    const outcomes = h.outcomes('gpuaas.provisioning.active.notification-relay');
    expect(outcomes.retry ?? 0).toBe(0);
    const [record] = (await h.completed('notification-relay', 'gpuaas.provisioning.active')).filter(
      (r) => r.correlation_id === n.correlation_id,
    );
    const firstAnswered = startedAt(n, 0) + (n.attempts[0]?.duration_ms ?? 0);
    expect(record?.completed_at?.toMillis()).toBeLessThan(firstAnswered);
    expect((await h.settings(user.userId))?.webhook?.status).toBe('enabled');
  });

  it('waits as long as Retry-After asks on 429 and 503', async () => {
    const { id } = await scenario((n) =>
      n === 1
        ? { status: 429, headers: { 'retry-after': '1' } }
        : n === 2
          ? { status: 503, headers: { 'retry-after': '1' } }
          : { status: 200 },
    );
    const n = await tickUntilSettled(id);
    expect(n.status).toBe('delivered');
    expect(n.attempts.map((a) => [a.outcome, a.retry_after_ms])).toEqual([
      ['rate_limited', 1000],
      ['server_error', 1000],
      ['delivered', null],
    ]);
    expect(startedAt(n, 1) - startedAt(n, 0)).toBeGreaterThanOrEqual(1000);
    expect(startedAt(n, 2) - startedAt(n, 1)).toBeGreaterThanOrEqual(1000);
  });

  it('counts a redirect as a failure and never follows it', async () => {
    const { receiver, id } = await scenario((n) =>
      n === 1 ? { status: 302, headers: { location: '/elsewhere' } } : { status: 200 },
    );
    const n = await tickUntilSettled(id);
    expect(n.attempts.map((a) => [a.outcome, a.status_code])).toEqual([
      ['redirect', 302],
      ['delivered', 200],
    ]);
    expect(receiver.received.map((r) => r.path)).toEqual(['/hooks/gpuaas', '/hooks/gpuaas']);
  });

  it('gives up an attempt at its timeout and retries it', async () => {
    const { id } = await scenario((n) =>
      n === 1 ? { status: 200, delayMs: Number.POSITIVE_INFINITY } : { status: 200 },
    );
    const n = await tickUntilSettled(id);
    expect(n.status).toBe('delivered');
    expect(n.attempts.map((a) => a.outcome)).toEqual(['timeout', 'delivered']);
    expect(n.attempts[0]?.duration_ms).toBeGreaterThanOrEqual(950);
    expect(n.attempts[0]?.duration_ms).toBeLessThan(3000);
  });
});
