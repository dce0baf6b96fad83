import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDITED, FAILED, PaymentsHarness } from './harness';
import { checkoutEvent, newSessionId } from './stripe-events';

let h: PaymentsHarness;
beforeAll(async () => {
  // Every currency of the conversions below is billed here.
  h = await PaymentsHarness.start({ BILLING_CURRENCIES: 'USD,JPY,KRW,KWD,BHD' });
});
afterAll(() => h.close());

const newUser = () => h.createUser(`user-${randomUUID().slice(0, 12)}`);

async function expectCreditedOnce(
  userId: string,
  sessionId: string,
  micros: number,
  currency: string,
) {
  expect(await h.ledger.userBalance(userId, currency)).toBe(micros);
  const transaction = await h.ledger.getTransaction(sessionId);
  expect(transaction).toMatchObject({
    transaction_id: sessionId,
    kind: 'credit',
    source: { type: 'stripe_checkout_session', id: sessionId },
  });
  expect(transaction?.postings).toEqual(
    expect.arrayContaining([
      { account: 'stripe_clearing', direction: 'debit', amount_micros: micros, currency },
      {
        account: `customer_credit:${userId}`,
        direction: 'credit',
        amount_micros: micros,
        currency,
      },
    ]),
  );
  const { postings } = await h.ledger.listPostings(`customer_credit:${userId}`);
  expect(postings).toEqual([
    expect.objectContaining({
      transaction_id: sessionId,
      direction: 'credit',
      amount_micros: micros,
    }),
  ]);
  const session = await h.doc('checkoutSessions', sessionId);
  expect(session).toMatchObject({ user_id: userId, amount_micros: micros, currency });
}

describe('a paid Checkout Session', () => {
  it('credits once when its webhook is delivered twice, and says so once', async () => {
    const userId = await newUser();
    const event = checkoutEvent({ userId, amountTotal: 2500, currency: 'usd' });
    const sessionId = event.data.object.id;

    const first = await h.deliver(event);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, outcome: 'credited' });
    const second = await h.deliver(event);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ received: true, outcome: 'duplicate' });

    await expectCreditedOnce(userId, sessionId, 25_000_000, 'USD');
    const emitted = await h.emitted(CREDITED, event.id);
    expect(emitted).toHaveLength(1);
    const message = await h.credited.waitFor((m) => m.json?.payload?.stripe_event_id === event.id);
    expect(message.json?.payload).toEqual({
      stripe_event_id: event.id,
      payment_session_id: sessionId,
      payment_intent_id: event.data.object.payment_intent,
      user_id: userId,
      amount_micros: 25_000_000,
      currency: 'USD',
      ledger_transaction_id: sessionId,
      balance_after_micros: 25_000_000,
      livemode: false,
      credited_at: expect.any(String),
    });
    expect(message.attributes).toMatchObject({ producer: 'payments', idempotency_key: event.id });
    expect(await h.doc('stripeEvents', event.id)).toMatchObject({ outcome: 'credited' });
  });

  it('credits once when both of its events arrive', async () => {
    const userId = await newUser();
    const sessionId = newSessionId();
    const completed = checkoutEvent({ userId, sessionId, amountTotal: 1000 });
    const succeeded = checkoutEvent({
      userId,
      sessionId,
      amountTotal: 1000,
      type: 'checkout.session.async_payment_succeeded',
    });

    expect(await (await h.deliver(completed)).json()).toMatchObject({ outcome: 'credited' });
    expect(await (await h.deliver(succeeded)).json()).toMatchObject({
      outcome: 'already_credited',
    });
    // The other event's redelivery is a duplicate of that event.
    expect(await (await h.deliver(succeeded)).json()).toMatchObject({ outcome: 'duplicate' });

    await expectCreditedOnce(userId, sessionId, 10_000_000, 'USD');
    expect(await h.emitted(CREDITED, completed.id)).toHaveLength(1);
    expect(await h.emitted(CREDITED, succeeded.id)).toHaveLength(0);
    expect(await h.doc('stripeEvents', succeeded.id)).toMatchObject({
      outcome: 'already_credited',
      ledger_transaction_id: sessionId,
    });
  });

  it('credits once when its two events and their duplicates race', async () => {
    const userId = await newUser();
    const sessionId = newSessionId();
    const completed = checkoutEvent({ userId, sessionId, amountTotal: 4200 });
    const succeeded = checkoutEvent({
      userId,
      sessionId,
      amountTotal: 4200,
      type: 'checkout.session.async_payment_succeeded',
    });

    const answers = await Promise.all(
      [completed, succeeded, completed, succeeded].map((event) => h.deliver(event)),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const outcomes = await Promise.all(
      answers.map(async (r) => ((await r.json()) as { outcome: string }).outcome),
    );
    expect(outcomes.filter((o) => o === 'credited')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'already_credited')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(2);

    await expectCreditedOnce(userId, sessionId, 42_000_000, 'USD');
    const emitted = [
      ...(await h.emitted(CREDITED, completed.id)),
      ...(await h.emitted(CREDITED, succeeded.id)),
    ];
    expect(emitted).toHaveLength(1);
  });

  it('credits the user named by client_reference_id when the metadata names none', async () => {
    const userId = await newUser();
    const event = checkoutEvent({ userId: null, clientReferenceId: userId, amountTotal: 700 });
    expect(await (await h.deliver(event)).json()).toMatchObject({ outcome: 'credited' });
    expect(await h.ledger.userBalance(userId, 'USD')).toBe(7_000_000);
  });

  it('reports the balance after each credit', async () => {
    const userId = await newUser();
    const first = checkoutEvent({ userId, amountTotal: 1000 });
    const second = checkoutEvent({ userId, amountTotal: 234 });
    await h.deliver(first);
    await h.deliver(second);
    const message = await h.credited.waitFor((m) => m.json?.payload?.stripe_event_id === second.id);
    expect(message.json?.payload).toMatchObject({
      amount_micros: 2_340_000,
      balance_after_micros: 12_340_000,
    });
    expect(await h.ledger.userBalance(userId, 'USD')).toBe(12_340_000);
  });
});

describe('currencies', () => {
  it.each([
    ['usd', 1999, 'USD', 19_990_000],
    ['jpy', 1999, 'JPY', 1_999_000_000],
    ['krw', 50_000, 'KRW', 50_000_000_000],
    ['kwd', 12_345, 'KWD', 12_345_000],
    ['bhd', 1_000, 'BHD', 1_000_000],
  ])(
    'converts %s minor units %i into %s micros exactly',
    async (stripeCurrency, minor, currency, micros) => {
      const userId = await newUser();
      const event = checkoutEvent({ userId, amountTotal: minor, currency: stripeCurrency });
      expect(await (await h.deliver(event)).json()).toMatchObject({ outcome: 'credited' });
      await expectCreditedOnce(userId, event.data.object.id, micros, currency);
      const message = await h.credited.waitFor(
        (m) => m.json?.payload?.stripe_event_id === event.id,
      );
      expect(message.json?.payload).toMatchObject({ amount_micros: micros, currency });
    },
  );
});

describe('an asynchronous payment', () => {
  it('fails not_paid at completion, then credits on success and settles that failure', async () => {
    const userId = await newUser();
    const sessionId = newSessionId();
    const completed = checkoutEvent({
      userId,
      sessionId,
      amountTotal: 3000,
      paymentStatus: 'unpaid',
    });
    const succeeded = checkoutEvent({
      userId,
      sessionId,
      amountTotal: 3000,
      type: 'checkout.session.async_payment_succeeded',
    });

    expect(await (await h.deliver(completed)).json()).toMatchObject({
      outcome: 'reconcile_failed',
    });
    expect(await h.ledger.userBalance(userId, 'USD')).toBe(0);
    expect(await (await h.deliver(succeeded)).json()).toMatchObject({ outcome: 'credited' });

    await expectCreditedOnce(userId, sessionId, 30_000_000, 'USD');
    const failure = await h.doc('reconcileFailures', `${completed.id}:${sessionId}`);
    expect(failure).toMatchObject({
      reason_code: 'not_paid',
      status: 'resolved',
      resolution: { action: 'superseded', by: `stripe_event:${succeeded.id}` },
    });
    expect(await h.emitted(FAILED, `${completed.id}:${sessionId}`)).toHaveLength(1);
  });
});

describe('other Stripe events', () => {
  it.each([
    'payment_intent.succeeded',
    'checkout.session.expired',
    'checkout.session.async_payment_failed',
    'charge.refunded',
  ])('acknowledges %s and writes nothing', async (type) => {
    const userId = await newUser();
    const event = checkoutEvent({ userId, type });
    const res = await h.deliver(event);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, outcome: 'ignored' });
    expect(await h.doc('stripeEvents', event.id)).toBeUndefined();
    expect(await h.ledger.userBalance(userId, 'USD')).toBe(0);
  });
});

describe('the ledger', () => {
  it('agrees with every balance credited in this file', async () => {
    const report = await h.ledger.check();
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.transactions).toBeGreaterThan(0);
  });
});
