import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedUser } from './api-seed';
import { BillingHarness } from './harness';
import { OperatorTokens, operatorEnv } from './operator-tokens';

describe('bad input to the read API is a 400 problem naming the field', () => {
  let h: BillingHarness;
  let tokens: OperatorTokens;
  let alice: Awaited<ReturnType<typeof seedUser>>;
  beforeAll(async () => {
    tokens = await OperatorTokens.start();
    h = await BillingHarness.start('billing-api-err', {
      env: operatorEnv,
      operatorCertsUrl: tokens.certsUrl,
    });
    alice = await seedUser(h, 1);
  });
  afterAll(async () => {
    await h.close();
    await tokens.close();
  });

  it.each([
    ['/v1/ledger?limit=0', '/limit', 'validation_failed'],
    ['/v1/ledger?limit=101', '/limit', 'validation_failed'],
    ['/v1/ledger?limit=ten', '/limit', 'validation_failed'],
    ['/v1/ledger?cursor=not-a-cursor', '/cursor', 'invalid_cursor'],
    ['/v1/usage?cursor=not-a-cursor', '/cursor', 'invalid_cursor'],
    ['/v1/usage?limit=-1', '/limit', 'validation_failed'],
    ['/v1/usage?allocation_id=', '/allocation_id', 'validation_failed'],
    ['/v1/balance?currency=usd', '/currency', 'validation_failed'],
    ['/v1/balance?currency=EUR', '/currency', 'validation_failed'],
    ['/v1/balance?user_id=a', '/user_id', 'validation_failed'],
    // A filter a route does not have is refused, not ignored with the unfiltered answer.
    ['/v1/ledger?allocation_id=x', '/allocation_id', 'validation_failed'],
    ['/v1/balance?foo=bar', '/foo', 'validation_failed'],
    ['/v1/usage?limit=1.5', '/limit', 'validation_failed'],
  ])('GET %s → 400 at %s', async (path, field, reason) => {
    const res = await h.call('GET', path, { auth: alice.auth });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, reason, field });
  });

  it('an operator must name the user', async () => {
    for (const path of ['/v1/balance', '/v1/ledger', '/v1/usage']) {
      const res = await h.call('GET', path, { auth: tokens.bearer() });
      expect(res.status, path).toBe(400);
      expect(res.body).toMatchObject({ reason: 'validation_failed', field: '/user_id' });
    }
  });

  it('an operator naming an unknown user gets a 404', async () => {
    const res = await h.call('GET', '/v1/balance?user_id=nobody-here', { auth: tokens.bearer() });
    expect(res.status).toBe(404);
  });

  it('a broken ledger makes the check a 409 naming the violation', async () => {
    const ref = h.firestore
      .collection('ledger_transactions')
      .doc(encodeURIComponent(alice.creditTransaction));
    await ref.update({ posted_at: new Date('2020-01-01T00:00:00Z') });
    const res = await h.call('GET', '/v1/admin/ledger-check', { auth: tokens.bearer() });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ reason: 'ledger_check_failed' });
    expect(res.body.detail).toContain('transaction_edited');
  });
});
