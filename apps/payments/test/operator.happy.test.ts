import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDITED, PaymentsHarness } from './harness';
import { OPERATOR_EMAIL, OperatorTokens } from './operator-tokens';
import { type CheckoutEventOptions, checkoutEvent, newSessionId } from './stripe-events';

let h: PaymentsHarness;
let tokens: OperatorTokens;
beforeAll(async () => {
  tokens = await OperatorTokens.start();
  h = await PaymentsHarness.start({}, tokens.verifier());
});
afterAll(async () => {
  await h.close();
  await tokens.close();
});

const BASE = '/v1/admin/payments/reconcile-failures';
const newUser = () => h.createUser(`user-${randomUUID().slice(0, 12)}`);

function op(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return h.service.app.request(path, {
    method,
    headers: {
      authorization: `Bearer ${tokens.mint()}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

/** Delivers an event that does not reconcile; returns its failure id. */
async function failure(options: CheckoutEventOptions) {
  const event = checkoutEvent(options);
  const res = await h.deliver(event);
  expect(await res.json()).toMatchObject({ outcome: 'reconcile_failed' });
  return { event, failureId: `${event.id}:${event.data.object.id}` };
}

describe('listing reconcile failures', () => {
  it('lists open failures newest first, page by page, and shows one with its audit trail', async () => {
    const userId = await newUser();
    const older = await failure({ userId, amountTotal: 900, expectedAmountMinor: '1000' });
    const newer = await failure({ userId: 'missing-person', amountTotal: 1000 });

    const page1 = await op('GET', `${BASE}?status=open&limit=1`);
    expect(page1.status).toBe(200);
    const first = (await page1.json()) as { items: { failure_id: string }[]; next_cursor: string };
    expect(first.items.map((f) => f.failure_id)).toEqual([newer.failureId]);
    expect(first.next_cursor).toEqual(expect.any(String));
    const page2 = await op('GET', `${BASE}?status=open&limit=1&cursor=${first.next_cursor}`);
    const second = (await page2.json()) as { items: { failure_id: string }[] };
    expect(second.items.map((f) => f.failure_id)).toEqual([older.failureId]);

    const shown = await op('GET', `${BASE}/${older.failureId}`);
    expect(shown.status).toBe(200);
    expect(await shown.json()).toEqual({
      failure: expect.objectContaining({
        failure_id: older.failureId,
        stripe_event_id: older.event.id,
        payment_session_id: older.event.data.object.id,
        stripe_event_type: 'checkout.session.completed',
        reason_code: 'amount_mismatch',
        status: 'open',
        user_id: userId,
        expected_amount_micros: 10_000_000,
        observed_amount_micros: 9_000_000,
        currency: 'USD',
        livemode: false,
        detail: expect.stringContaining('expected 1000'),
      }),
      audit: [],
    });
  });
});

describe('crediting a failure by hand', () => {
  it('credits what Stripe collected once, audited with the operator, and announces it', async () => {
    const userId = await newUser();
    const sessionId = newSessionId();
    const { event, failureId } = await failure({
      userId,
      sessionId,
      amountTotal: 4000,
      expectedAmountMinor: '5000',
    });

    const res = await op('POST', `${BASE}/${failureId}/credit`, {
      reason: 'promotion applied at checkout; credit what was paid',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      failure_id: failureId,
      status: 'resolved',
      resolution: {
        action: 'credit',
        by: OPERATOR_EMAIL,
        reason: 'promotion applied at checkout; credit what was paid',
        ledger_transaction_id: sessionId,
        user_id: userId,
        amount_micros: 40_000_000,
        currency: 'USD',
        funding_account: 'stripe_clearing',
        balance_after_micros: 40_000_000,
      },
    });

    expect(await h.ledger.userBalance(userId, 'USD')).toBe(40_000_000);
    expect(await h.ledger.getTransaction(sessionId)).toMatchObject({
      kind: 'manual_credit',
      source: { type: 'reconcile_failure', id: failureId },
      metadata: { operator: OPERATOR_EMAIL },
    });
    const message = await h.credited.waitFor((m) => m.json?.payload?.stripe_event_id === event.id);
    expect(message.json?.payload).toMatchObject({
      payment_session_id: sessionId,
      user_id: userId,
      amount_micros: 40_000_000,
      ledger_transaction_id: sessionId,
      balance_after_micros: 40_000_000,
    });
    expect(await h.emitted(CREDITED, event.id)).toHaveLength(1);

    const shown = (await (await op('GET', `${BASE}/${failureId}`)).json()) as { audit: unknown[] };
    expect(shown.audit).toEqual([
      expect.objectContaining({
        action: 'reconcile_failure.credit',
        operator: OPERATOR_EMAIL,
        ledger_transaction_id: sessionId,
        amount_micros: 40_000_000,
      }),
    ]);

    // The session is credited now: resolving again, or the session's other event, credits nothing.
    const again = await op('POST', `${BASE}/${failureId}/credit`, { reason: 'again' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ reason: 'failure_closed' });
    const late = checkoutEvent({
      userId,
      sessionId,
      amountTotal: 4000,
      type: 'checkout.session.async_payment_succeeded',
    });
    expect(await (await h.deliver(late)).json()).toMatchObject({ outcome: 'already_credited' });
    expect(await h.ledger.userBalance(userId, 'USD')).toBe(40_000_000);
    expect((await h.ledger.check()).ok).toBe(true);
  });

  it('credits the user the operator names when the session named an unknown one', async () => {
    const rightUser = await newUser();
    const { failureId } = await failure({ userId: 'typo-user', amountTotal: 1200 });
    const res = await op('POST', `${BASE}/${failureId}/credit`, {
      reason: 'support ticket 1234: the top-up was for this account',
      user_id: rightUser,
      funding_account: 'stripe_clearing',
    });
    expect(res.status).toBe(200);
    expect(await h.ledger.userBalance(rightUser, 'USD')).toBe(12_000_000);
  });

  it('honours an Idempotency-Key: the retry replays the answer, the credit lands once', async () => {
    const userId = await newUser();
    const { failureId } = await failure({ userId, amountTotal: 800, expectedAmountMinor: '900' });
    const headers = { 'idempotency-key': `credit-${randomUUID()}` };
    const body = { reason: 'goodwill', funding_account: 'credit_grants' };
    const first = await op('POST', `${BASE}/${failureId}/credit`, body, headers);
    const retry = await op('POST', `${BASE}/${failureId}/credit`, body, headers);
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual(await first.json());
    expect(await h.ledger.userBalance(userId, 'USD')).toBe(8_000_000);
    expect(await h.ledger.balance('credit_grants', 'USD')).toBe(8_000_000);
  });

  it('refuses a credit the session already had', async () => {
    const userId = await newUser();
    const sessionId = newSessionId();
    await h.deliver(checkoutEvent({ userId, sessionId, amountTotal: 1000 }));
    const { failureId } = await failure({
      userId,
      sessionId,
      amountTotal: 2000,
      type: 'checkout.session.async_payment_succeeded',
    });
    const res = await op('POST', `${BASE}/${failureId}/credit`, { reason: 'try' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ reason: 'session_already_credited' });
    expect(await h.ledger.userBalance(userId, 'USD')).toBe(10_000_000);
  });

  it('refuses to credit a payment of the other Stripe mode', async () => {
    const userId = await newUser();
    const { failureId } = await failure({ userId, livemode: true });
    const res = await op('POST', `${BASE}/${failureId}/credit`, { reason: 'try' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ reason: 'livemode_mismatch' });
    expect(await h.ledger.userBalance(userId, 'USD')).toBe(0);
  });

  it('asks for what the failure does not say', async () => {
    const { failureId } = await failure({ userId: null });
    const res = await op('POST', `${BASE}/${failureId}/credit`, { reason: 'try' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: '/user_id' });
    const unknown = await op('POST', `${BASE}/${failureId}/credit`, {
      reason: 'try',
      user_id: 'no-such-user',
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ field: '/user_id' });
  });

  it('refuses to credit a currency the platform does not bill, and credits nothing', async () => {
    const userId = await newUser();
    const { failureId } = await failure({ userId, amountTotal: 4000, expectedAmountMinor: '5000' });
    const res = await op('POST', `${BASE}/${failureId}/credit`, {
      reason: 'try',
      currency: 'JPY',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ reason: 'validation_failed', field: '/currency' });
    expect(await h.ledger.userBalance(userId, 'JPY')).toBe(0);
    expect(await h.ledger.userBalance(userId, 'USD')).toBe(0);
  });
});

describe('dismissing a failure', () => {
  it('closes it with the reason and an audit entry; nothing is credited and it stays closed', async () => {
    const userId = await newUser();
    const { failureId } = await failure({ userId, paymentStatus: 'unpaid' });
    const res = await op('POST', `${BASE}/${failureId}/dismiss`, {
      reason: 'the bank debit failed; the customer was told',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'dismissed',
      resolution: { action: 'dismiss', by: OPERATOR_EMAIL },
    });
    const shown = (await (await op('GET', `${BASE}/${failureId}`)).json()) as { audit: unknown[] };
    expect(shown.audit).toEqual([
      expect.objectContaining({ action: 'reconcile_failure.dismiss', operator: OPERATOR_EMAIL }),
    ]);
    const credit = await op('POST', `${BASE}/${failureId}/credit`, { reason: 'changed my mind' });
    expect(credit.status).toBe(409);
    expect(await h.ledger.userBalance(userId, 'USD')).toBe(0);

    const dismissed = (await (await op('GET', `${BASE}?status=dismissed`)).json()) as {
      items: { failure_id: string }[];
    };
    expect(dismissed.items.map((f) => f.failure_id)).toContain(failureId);
    const open = (await (await op('GET', `${BASE}?status=open&limit=100`)).json()) as {
      items: { failure_id: string }[];
    };
    expect(open.items.map((f) => f.failure_id)).not.toContain(failureId);
  });
});

describe('the API document', () => {
  it('documents the operator routes (the webhook is Stripe-signed, outside it)', async () => {
    const res = await h.service.app.request('/openapi.json');
    expect(res.status).toBe(200);
    const document = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(document.paths).sort()).toEqual([
      BASE,
      `${BASE}/{failure_id}`,
      `${BASE}/{failure_id}/credit`,
      `${BASE}/{failure_id}/dismiss`,
    ]);
  });
});
