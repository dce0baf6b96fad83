import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedUser } from './api-seed';
import { BillingHarness } from './harness';
import { OperatorTokens, operatorEnv } from './operator-tokens';

describe('billing read API', () => {
  let h: BillingHarness;
  let tokens: OperatorTokens;
  let alice: Awaited<ReturnType<typeof seedUser>>;
  beforeAll(async () => {
    tokens = await OperatorTokens.start();
    h = await BillingHarness.start('billing-api', {
      env: operatorEnv,
      operatorCertsUrl: tokens.certsUrl,
    });
    alice = await seedUser(h, 3);
  });
  afterAll(async () => {
    await h.expectLedgerHolds();
    await h.close();
    await tokens.close();
  });

  it('GET /v1/balance: the ledger balance, the state and the last credit', async () => {
    const res = await h.call('GET', '/v1/balance', { auth: alice.auth });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user_id: alice.userId,
      balances: [
        {
          currency: 'USD',
          balance_micros: 10_000_000 - 3 * 60_000,
          state: 'ok',
          low_balance_threshold_micros: 5_000_000,
          episode_id: null,
          depletion_window_id: null,
          burn_rate_micros_per_hour: 3_600_000,
          projected_depletion_at: expect.stringMatching(/:00Z$/),
          active_allocation_ids: [alice.allocation.allocation_id],
          last_credit: {
            amount_micros: 10_000_000,
            credited_at: expect.any(String),
            stripe_event_id: alice.stripeEventId,
          },
        },
      ],
    });
  });

  it('GET /v1/ledger pages through the postings of the caller, newest first', async () => {
    const first = await h.call('GET', '/v1/ledger?limit=2', { auth: alice.auth });
    expect(first.status).toBe(200);
    const items = first.body.items as { transaction_id: string; direction: string }[];
    expect(items).toHaveLength(2);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await h.call(
      'GET',
      `/v1/ledger?limit=2&cursor=${encodeURIComponent(first.body.next_cursor as string)}`,
      { auth: alice.auth },
    );
    const rest = second.body.items as typeof items;
    expect(rest).toHaveLength(2);
    expect(second.body.next_cursor).toBeNull();
    const all = [...items, ...rest];
    expect(new Set(all.map((p) => p.transaction_id)).size).toBe(4);
    expect(all.filter((p) => p.direction === 'debit')).toHaveLength(3);
    expect(all.find((p) => p.direction === 'credit')?.transaction_id).toBe(alice.creditTransaction);
  });

  it('GET /v1/ledger/{transaction_id}: one transaction with both sides', async () => {
    const usageId = `${alice.allocation.allocation_id}:2026-04-01T08:00:00Z`;
    const res = await h.call('GET', `/v1/ledger/${encodeURIComponent(usageId)}`, {
      auth: alice.auth,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      transaction_id: usageId,
      kind: 'usage_charge',
      source: { type: 'usage_event', id: usageId },
      postings: expect.arrayContaining([
        expect.objectContaining({ account: `customer_credit:${alice.userId}`, direction: 'debit' }),
        expect.objectContaining({ account: 'revenue:gpu', direction: 'credit' }),
      ]),
    });
  });

  it('GET /v1/usage pages through rated lines, newest interval first, by allocation', async () => {
    const first = await h.call('GET', '/v1/usage?limit=2', { auth: alice.auth });
    expect(first.status).toBe(200);
    const lines = first.body.items as { interval_start: string; amount_micros: number }[];
    expect(lines.map((l) => l.interval_start)).toEqual([
      '2026-04-01T08:02:00Z',
      '2026-04-01T08:01:00Z',
    ]);
    expect(lines[0]).toMatchObject({
      amount_micros: 60_000,
      billed_seconds: 60,
      status: 'charged',
    });
    const next = await h.call(
      'GET',
      `/v1/usage?limit=2&cursor=${encodeURIComponent(first.body.next_cursor as string)}`,
      { auth: alice.auth },
    );
    expect((next.body.items as unknown[]).length).toBe(1);
    expect(next.body.next_cursor).toBeNull();
    const other = await h.call('GET', '/v1/usage?allocation_id=alloc-none', { auth: alice.auth });
    expect(other.body.items).toEqual([]);
  });

  it("operators read any user's balance, ledger and usage with ?user_id=", async () => {
    const auth = tokens.bearer();
    const balance = await h.call('GET', `/v1/balance?user_id=${alice.userId}`, { auth });
    expect(balance.status).toBe(200);
    expect(balance.body.user_id).toBe(alice.userId);
    const ledger = await h.call('GET', `/v1/ledger?user_id=${alice.userId}`, { auth });
    expect((ledger.body.items as unknown[]).length).toBe(4);
    const usage = await h.call('GET', `/v1/usage?user_id=${alice.userId}`, { auth });
    expect((usage.body.items as unknown[]).length).toBe(3);
  });

  it('GET /v1/admin/ledger-check: the report, for operators', async () => {
    const res = await h.call('GET', '/v1/admin/ledger-check', { auth: tokens.bearer() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, violation_count: 0, transactions: 4 });
  });

  it('documents every route in the OpenAPI document', async () => {
    const res = await h.call('GET', '/openapi.json');
    const paths = Object.keys((res.body as { paths: Record<string, unknown> }).paths);
    expect(paths.sort()).toEqual([
      '/v1/admin/ledger-check',
      '/v1/balance',
      '/v1/ledger',
      '/v1/ledger/{transaction_id}',
      '/v1/usage',
    ]);
  });
});
