import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../src/store/collections';
import { PaymentsHarness, postWebhook } from './harness';
import { checkoutEvent, signed, WEBHOOK_SECRET } from './stripe-events';

let h: PaymentsHarness;
let userId: string;
beforeAll(async () => {
  h = await PaymentsHarness.start();
  userId = await h.createUser(`user-${randomUUID().slice(0, 12)}`);
});
afterAll(() => h.close());

/** Every document this project holds that a webhook could write. */
async function written(): Promise<number> {
  const names = [...Object.values(COLLECTIONS), 'outbox', 'ledger_transactions', 'ledger_balances'];
  const counts = await Promise.all(
    names.map(async (name) => (await h.firestore.collection(name).count().get()).data().count),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** What each refusal tells the sender: its own reason, never another's. */
const DETAIL: Record<string, RegExp> = {
  missing_signature: /no Stripe-Signature header/,
  invalid_signature: /does not verify this body .* or its timestamp is outside the tolerance/,
  malformed_event: /not a Stripe event/,
};

async function expectRefused(res: Response, reason: string) {
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status: 400, reason, type: `urn:gpuaas:problem:${reason}` });
  expect(body.title).toBe(reason.charAt(0).toUpperCase() + reason.slice(1).replaceAll('_', ' '));
  expect(body.detail).toMatch(DETAIL[reason] as RegExp);
  expect(await written()).toBe(0);
  expect(await h.ledger.userBalance(userId, 'USD')).toBe(0);
}

const now = () => Math.floor(Date.now() / 1000);

describe('the webhook signature', () => {
  it('refuses a tampered body', async () => {
    const event = checkoutEvent({ userId, amountTotal: 1000 });
    const { payload, header } = signed(event);
    const tampered = payload.replace('"amount_total":1000', '"amount_total":100000');
    expect(tampered).not.toBe(payload);
    await expectRefused(await postWebhook(h.service, tampered, header), 'invalid_signature');
  });

  it('refuses a body with one byte appended', async () => {
    const { payload, header } = signed(checkoutEvent({ userId }));
    await expectRefused(await postWebhook(h.service, `${payload} `, header), 'invalid_signature');
  });

  it('refuses a signature made with another secret', async () => {
    const res = await h.deliver(checkoutEvent({ userId }), { secret: 'whsec_someone_else' });
    await expectRefused(res, 'invalid_signature');
  });

  it('refuses a stale signature (now − 301 s)', async () => {
    const res = await h.deliver(checkoutEvent({ userId }), { timestamp: now() - 301 });
    await expectRefused(res, 'invalid_signature');
  });

  it('refuses a signature dated further ahead than the tolerance (now + 301 s)', async () => {
    const res = await h.deliver(checkoutEvent({ userId }), { timestamp: now() + 301 });
    await expectRefused(res, 'invalid_signature');
  });

  it('refuses a request without the Stripe-Signature header', async () => {
    const { payload } = signed(checkoutEvent({ userId }));
    await expectRefused(await postWebhook(h.service, payload, undefined), 'missing_signature');
  });

  it('refuses a header that is not a Stripe signature', async () => {
    const { payload } = signed(checkoutEvent({ userId }));
    await expectRefused(await postWebhook(h.service, payload, 'garbage'), 'invalid_signature');
    await expectRefused(
      await postWebhook(h.service, payload, `t=${now()},v0=${'0'.repeat(64)}`),
      'invalid_signature',
    );
  });

  it('refuses a signed body that is not a Stripe event', async () => {
    const payload = '{"hello":"world"}';
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    await expectRefused(await postWebhook(h.service, payload, header), 'malformed_event');
  });

  it('accepts the same event correctly signed within the tolerance, so the refusals above are the signature', async () => {
    const event = checkoutEvent({ userId, amountTotal: 1000 });
    const res = await h.deliver(event, { timestamp: now() - 240 });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: 'credited' });
    expect(await h.ledger.userBalance(userId, 'USD')).toBe(10_000_000);
    // A sender's clock a little ahead is within the tolerance too.
    const ahead = await h.deliver(checkoutEvent({ userId, amountTotal: 500 }), {
      timestamp: now() + 240,
    });
    expect(ahead.status).toBe(200);
    expect(await h.ledger.userBalance(userId, 'USD')).toBe(15_000_000);
  });
});
