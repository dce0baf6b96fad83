import { randomUUID } from 'node:crypto';
import type { ReconcileFailureReason } from '@gpuaas/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDITED, FAILED, PaymentsHarness } from './harness';
import { type CheckoutEventOptions, checkoutEvent, newSessionId } from './stripe-events';

let h: PaymentsHarness;
beforeAll(async () => {
  h = await PaymentsHarness.start();
});
afterAll(() => h.close());

const newUser = () => h.createUser(`user-${randomUUID().slice(0, 12)}`);

/**
 * Delivers the event twice and checks it failed once with `reason`: one failure record, one
 * `reconcile_failed` committed and published, no credit, the redelivery a duplicate.
 */
async function expectFailsOnce(
  event: ReturnType<typeof checkoutEvent>,
  reason: ReconcileFailureReason,
  service = h.service,
) {
  const sessionId = event.data.object.id;
  const key = `${event.id}:${sessionId}`;
  const first = await h.deliver(event, {}, service);
  expect(first.status).toBe(200);
  expect(await first.json()).toEqual({ received: true, outcome: 'reconcile_failed' });
  const again = await h.deliver(event, {}, service);
  expect(again.status).toBe(200);
  expect(await again.json()).toEqual({ received: true, outcome: 'duplicate' });

  expect(await h.emitted(FAILED, key)).toHaveLength(1);
  expect(await h.emitted(CREDITED, event.id)).toHaveLength(0);
  const message = await h.failed.waitFor((m) => m.attributes.idempotency_key === key);
  expect(message.json?.payload).toMatchObject({
    stripe_event_id: event.id,
    payment_session_id: sessionId,
    stripe_event_type: event.type,
    reason_code: reason,
    detected_at: expect.any(String),
  });
  const failure = await h.doc('reconcileFailures', key);
  expect(failure).toMatchObject({
    reason_code: reason,
    status: 'open',
    event_id: message.json?.event_id,
  });
  expect(await h.doc('stripeEvents', event.id)).toMatchObject({
    outcome: 'reconcile_failed',
    failure_id: key,
  });
  // This event credited no session (another one may have, before it).
  expect((await h.doc('checkoutSessions', sessionId))?.stripe_event_id).not.toBe(event.id);
  return message.json?.payload ?? {};
}

async function expectNoCredit(userId: string, currency = 'USD') {
  expect(await h.ledger.userBalance(userId, currency)).toBe(0);
}

describe('what does not reconcile credits nothing and says why, once', () => {
  it('an amount that differs from the expected one (a promotion changed amount_total)', async () => {
    const userId = await newUser();
    const event = checkoutEvent({ userId, amountTotal: 4000, expectedAmountMinor: '5000' });
    const payload = await expectFailsOnce(event, 'amount_mismatch');
    expect(payload).toMatchObject({
      user_id: userId,
      expected_amount_micros: 50_000_000,
      observed_amount_micros: 40_000_000,
      currency: 'USD',
    });
    await expectNoCredit(userId);
  });

  it('the same failing event delivered three times at once', async () => {
    const userId = await newUser();
    const event = checkoutEvent({ userId, amountTotal: 100, expectedAmountMinor: '200' });
    const answers = await Promise.all([1, 2, 3].map(() => h.deliver(event)));
    const outcomes = await Promise.all(
      answers.map(async (r) => ((await r.json()) as { outcome: string }).outcome),
    );
    expect(outcomes.sort()).toEqual(['duplicate', 'duplicate', 'reconcile_failed']);
    expect(await h.emitted(FAILED, `${event.id}:${event.data.object.id}`)).toHaveLength(1);
    await expectNoCredit(userId);
  });

  it('an unknown user', async () => {
    const event = checkoutEvent({ userId: 'nobody-here', amountTotal: 1000 });
    const payload = await expectFailsOnce(event, 'unknown_user');
    expect(payload).toMatchObject({ user_id: 'nobody-here', observed_amount_micros: 10_000_000 });
    await expectNoCredit('nobody-here');
  });

  it('a session that names no user', async () => {
    const payload = await expectFailsOnce(checkoutEvent({ userId: null }), 'missing_user');
    expect(payload.user_id).toBeUndefined();
  });

  it('an unpaid session', async () => {
    const userId = await newUser();
    await expectFailsOnce(checkoutEvent({ userId, paymentStatus: 'unpaid' }), 'not_paid');
    await expectNoCredit(userId);
  });

  it('a live mode event reaching a test mode deployment', async () => {
    const userId = await newUser();
    await expectFailsOnce(checkoutEvent({ userId, livemode: true }), 'livemode_mismatch');
    await expectNoCredit(userId);
  });

  it('a test mode event reaching a live mode deployment', async () => {
    const live = h.createService({ STRIPE_LIVEMODE: 'true' });
    const userId = await newUser();
    await expectFailsOnce(checkoutEvent({ userId, livemode: false }), 'livemode_mismatch', live);
    await expectNoCredit(userId);
  });

  it.each<[string, CheckoutEventOptions]>([
    ['another currency than expected', { currency: 'eur', expectedCurrency: 'usd' }],
    ['no expected currency', { expectedCurrency: null }],
    ['a currency without a known minor unit', { currency: 'xts', expectedCurrency: 'xts' }],
    // Paid and as expected, but a JPY balance would be one nobody can see or spend here.
    [
      'a currency the platform does not bill',
      { currency: 'jpy', expectedCurrency: 'jpy', amountTotal: 500, expectedAmountMinor: '500' },
    ],
  ])('a currency mismatch: %s', async (_, options) => {
    const userId = await newUser();
    await expectFailsOnce(checkoutEvent({ userId, ...options }), 'currency_mismatch');
    await expectNoCredit(userId, (options.currency ?? 'usd').toUpperCase());
  });

  it('a session without the expected amount in its metadata', async () => {
    const userId = await newUser();
    await expectFailsOnce(checkoutEvent({ userId, expectedAmountMinor: null }), 'amount_mismatch');
    await expectNoCredit(userId);
  });

  it('a session credited by one event and claimed with another amount by its other event', async () => {
    const userId = await newUser();
    const sessionId = newSessionId();
    const completed = checkoutEvent({ userId, sessionId, amountTotal: 1000 });
    expect(await (await h.deliver(completed)).json()).toMatchObject({ outcome: 'credited' });
    const conflicting = checkoutEvent({
      userId,
      sessionId,
      amountTotal: 2000,
      type: 'checkout.session.async_payment_succeeded',
    });
    const payload = await expectFailsOnce(conflicting, 'already_credited_conflict');
    expect(payload).toMatchObject({
      expected_amount_micros: 10_000_000,
      observed_amount_micros: 20_000_000,
    });
    expect(await h.ledger.userBalance(userId, 'USD')).toBe(10_000_000);
  });

  it('a ledger post that fails for good', async () => {
    const userId = await newUser();
    const sessionId = newSessionId();
    // Another transaction already holds the session's ledger id: the ledger refuses the credit.
    await h.firestore.runTransaction((tx) =>
      h.ledger.post(tx, {
        transaction_id: sessionId,
        kind: 'adjustment',
        posted_at: new Date().toISOString(),
        postings: [
          { account: 'credit_grants', direction: 'debit', amount_micros: 1, currency: 'USD' },
          {
            account: 'customer_credit:someone-else',
            direction: 'credit',
            amount_micros: 1,
            currency: 'USD',
          },
        ],
      }),
    );
    const event = checkoutEvent({ userId, sessionId, amountTotal: 1000 });
    const payload = await expectFailsOnce(event, 'ledger_post_failed');
    expect(payload).toMatchObject({ user_id: userId, observed_amount_micros: 10_000_000 });
    const failure = await h.doc('reconcileFailures', `${event.id}:${sessionId}`);
    expect(failure?.detail).toContain('transaction_conflict');
    await expectNoCredit(userId);
  });
});
