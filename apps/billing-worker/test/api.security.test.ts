import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedUser } from './api-seed';
import { BillingHarness } from './harness';
import { OperatorTokens, operatorEnv } from './operator-tokens';

describe('the read API shows callers their own data only', () => {
  let h: BillingHarness;
  let tokens: OperatorTokens;
  let alice: Awaited<ReturnType<typeof seedUser>>;
  let bob: Awaited<ReturnType<typeof seedUser>>;
  beforeAll(async () => {
    tokens = await OperatorTokens.start();
    h = await BillingHarness.start('billing-api-sec', {
      env: operatorEnv,
      operatorCertsUrl: tokens.certsUrl,
    });
    alice = await seedUser(h, 1);
    bob = await seedUser(h, 2);
  });
  afterAll(async () => {
    await h.expectLedgerHolds();
    await h.close();
    await tokens.close();
  });

  const bobsCharge = () => `${bob.allocation.allocation_id}:2026-04-01T08:00:00Z`;

  it.each(['/v1/balance', '/v1/ledger', '/v1/usage', '/v1/admin/ledger-check'])(
    '%s without a credential is a 401',
    async (path) => {
      expect((await h.call('GET', path)).status).toBe(401);
      expect((await h.call('GET', path, { auth: 'Bearer gpk_made-up' })).status).toBe(401);
    },
  );

  it("another user's ledger is a 404, like one that does not exist", async () => {
    for (const path of [
      `/v1/ledger?user_id=${bob.userId}`,
      `/v1/balance?user_id=${bob.userId}`,
      `/v1/usage?user_id=${bob.userId}`,
      `/v1/ledger/${encodeURIComponent(bobsCharge())}`,
      `/v1/ledger/${encodeURIComponent(bob.creditTransaction)}`,
      '/v1/ledger/no-such-transaction',
    ]) {
      const res = await h.call('GET', path, { auth: alice.auth });
      expect(res.status, path).toBe(404);
      expect(res.body.reason).toBe('not_found');
    }
    // Bob sees his own.
    const own = await h.call('GET', `/v1/ledger/${encodeURIComponent(bobsCharge())}`, {
      auth: bob.auth,
    });
    expect(own.status).toBe(200);
  });

  it("a user's lists never include another user's items, whatever the cursor", async () => {
    const page = await h.call('GET', '/v1/usage?limit=1', { auth: bob.auth });
    const cursor = encodeURIComponent(page.body.next_cursor as string);
    const res = await h.call('GET', `/v1/usage?limit=10&cursor=${cursor}`, { auth: alice.auth });
    for (const line of res.body.items as { allocation_id: string }[]) {
      expect(line.allocation_id).toBe(alice.allocation.allocation_id);
    }
    const ledger = await h.call('GET', '/v1/ledger?limit=100', { auth: alice.auth });
    const ids = (ledger.body.items as { transaction_id: string }[]).map((p) => p.transaction_id);
    expect(ids).not.toContain(bobsCharge());
    expect(ids).toContain(alice.creditTransaction);
  });

  it('the ledger check is for operators: a user key is a 403', async () => {
    const res = await h.call('GET', '/v1/admin/ledger-check', { auth: alice.auth });
    expect(res.status).toBe(403);
  });

  it('operator tokens are verified: wrong audience, expired or off the allow-list are refused', async () => {
    const path = `/v1/balance?user_id=${alice.userId}`;
    expect((await h.call('GET', path, { auth: tokens.bearer() })).status).toBe(200);
    expect((await h.call('GET', path, { auth: tokens.bearer({ aud: 'https://x' }) })).status).toBe(
      401,
    );
    const past = Math.floor(Date.now() / 1000) - 7200;
    expect(
      (await h.call('GET', path, { auth: tokens.bearer({ iat: past, exp: past + 60 }) })).status,
    ).toBe(401);
    expect(
      (await h.call('GET', path, { auth: tokens.bearer({ email: 'someone@else.example' }) }))
        .status,
    ).toBe(403);
  });

  it('a revoked key is a 401', async () => {
    const carol = await h.user('carol');
    expect((await h.call('GET', '/v1/balance', { auth: carol.auth })).status).toBe(200);
    const keyId = (
      await h.firestore.collection('api_keys').where('user_id', '==', carol.userId).get()
    ).docs[0]?.get('key_id') as string;
    await h.registry.revokeKey(keyId);
    expect((await h.call('GET', '/v1/balance', { auth: carol.auth })).status).toBe(401);
  });
});
