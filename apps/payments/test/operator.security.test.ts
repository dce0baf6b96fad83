import { createUserRegistry } from '@gpuaas/http-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentsHarness } from './harness';
import { OperatorTokens } from './operator-tokens';
import { checkoutEvent } from './stripe-events';

let h: PaymentsHarness;
let tokens: OperatorTokens;
let userKey: string;
let failureId: string;
beforeAll(async () => {
  tokens = await OperatorTokens.start();
  h = await PaymentsHarness.start({}, tokens.verifier());
  const created = await createUserRegistry(h.firestore).createUser(
    { user_id: 'some-user' },
    'test',
  );
  userKey = created.apiKey;
  const event = checkoutEvent({ userId: 'some-user', amountTotal: 10, expectedAmountMinor: '20' });
  await h.deliver(event);
  failureId = `${event.id}:${event.data.object.id}`;
});
afterAll(async () => {
  await h.close();
  await tokens.close();
});

const BASE = '/v1/admin/payments/reconcile-failures';

const call = (method: string, path: string, authorization?: string, body?: unknown) =>
  h.service.app.request(path, {
    method,
    headers: {
      ...(authorization ? { authorization } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });

const routes: [string, string, unknown?][] = [
  ['GET', BASE],
  ['GET', `${BASE}/{id}`],
  ['POST', `${BASE}/{id}/credit`, { reason: 'x' }],
  ['POST', `${BASE}/{id}/dismiss`, { reason: 'x' }],
];
const concrete = (path: string) => path.replace('{id}', failureId);

async function expectUntouched() {
  const failure = await h.doc('reconcileFailures', failureId);
  expect(failure?.status).toBe('open');
  expect(await h.ledger.userBalance('some-user', 'USD')).toBe(0);
}

describe('the operator API', () => {
  it.each(routes)(
    '%s %s refuses a caller without credentials (401)',
    async (method, path, body) => {
      const res = await call(method, concrete(path), undefined, body);
      expect(res.status).toBe(401);
      await expectUntouched();
    },
  );

  it.each(routes)('%s %s refuses a user API key (403)', async (method, path, body) => {
    const res = await call(method, concrete(path), `Bearer ${userKey}`, body);
    expect(res.status).toBe(403);
    await expectUntouched();
  });

  it.each(routes)(
    '%s %s refuses a Google identity off the allow-list (403)',
    async (method, path, body) => {
      const token = tokens.mint({ email: 'mallory@example.com' });
      const res = await call(method, concrete(path), `Bearer ${token}`, body);
      expect(res.status).toBe(403);
      await expectUntouched();
    },
  );

  it.each([
    ['another audience', { aud: 'https://elsewhere.example' }],
    // Past the verifier's clock-skew allowance (5 minutes).
    [
      'an expired token',
      { iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 },
    ],
  ])('refuses %s (401)', async (_, claims) => {
    const res = await call(
      'POST',
      `${BASE}/${failureId}/dismiss`,
      `Bearer ${tokens.mint(claims)}`,
      {
        reason: 'x',
      },
    );
    expect(res.status).toBe(401);
    await expectUntouched();
  });

  it('answers a listed operator', async () => {
    const res = await call('GET', `${BASE}/${failureId}`, `Bearer ${tokens.mint()}`);
    expect(res.status).toBe(200);
  });

  it('names a bad field, an unknown id and an unknown status as problems', async () => {
    const auth = `Bearer ${tokens.mint()}`;
    const extra = await call('POST', `${BASE}/${failureId}/credit`, auth, {
      reason: 'x',
      sneaky: 1,
    });
    expect(extra.status).toBe(400);
    expect(await extra.json()).toMatchObject({ reason: 'validation_failed', field: '/sneaky' });
    const negative = await call('POST', `${BASE}/${failureId}/credit`, auth, {
      reason: 'x',
      amount_micros: -5,
    });
    expect(negative.status).toBe(400);
    expect(await negative.json()).toMatchObject({ field: '/amount_micros' });
    const badId = await call('GET', `${BASE}/not-a-failure`, auth);
    expect(badId.status).toBe(400);
    const missing = await call('GET', `${BASE}/evt_x:cs_test_x`, auth);
    expect(missing.status).toBe(404);
    const status = await call('GET', `${BASE}?status=maybe`, auth);
    expect(status.status).toBe(400);
    await expectUntouched();
  });
});
