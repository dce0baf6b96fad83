import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, stripeCredit, usageCharge } from './harness';

const h = startHarness();
afterAll(() => h.close());

describe('post', () => {
  it('posts a credit and a charge; the balance is derived from them', async () => {
    const credited = await h.inTransaction((tx) =>
      h.ledger.post(tx, stripeCredit('alice', 'evt_alice_1', 10_000_000)),
    );
    expect(credited.result).toEqual({ status: 'posted', transaction_id: 'evt_alice_1' });
    await h.inTransaction((tx) => h.ledger.post(tx, usageCharge('alice', 'a1:t0', 2_500_000)));

    expect(await h.ledger.userBalance('alice', 'USD')).toBe(7_500_000);
    expect(await h.ledger.balance('revenue:gpu', 'USD')).toBe(2_500_000);
    // stripe_clearing is an asset: debit-normal, so the top-up shows as a positive balance.
    expect(await h.ledger.balance('stripe_clearing', 'USD')).toBe(10_000_000);
    const totals = await h.ledger.totals('customer_credit:alice', 'USD');
    expect(totals).toMatchObject({
      normal: 'credit',
      debit_micros: 2_500_000,
      credit_micros: 10_000_000,
      postings: 2,
    });
    expect(totals.shards_read).toBeLessThanOrEqual(8);
    expect(await h.ledger.userBalance('alice', 'EUR')).toBe(0);
  });

  it('treats a re-post of the same transaction as a no-op', async () => {
    const input = stripeCredit('bob', 'evt_bob_1', 5_000_000);
    await h.inTransaction((tx) => h.ledger.post(tx, input));
    // A redelivery stamped later, with its postings in another order, is still the same transaction.
    const again = {
      ...input,
      posted_at: '2026-05-02T00:00:00Z',
      postings: [...input.postings].reverse(),
    };
    const second = await h.inTransaction((tx) => h.ledger.post(tx, again));
    expect(second.result).toEqual({ status: 'duplicate', transaction_id: 'evt_bob_1' });
    expect(await h.ledger.userBalance('bob', 'USD')).toBe(5_000_000);
    expect((await h.ledger.getTransaction('evt_bob_1'))?.posted_at).toBe('2026-05-01T12:00:00Z');
  });

  it('posts in the caller transaction, after its reads and before its writes', async () => {
    const dedupe = h.firestore.collection('dedupe').doc('usage-c1');
    const line = h.firestore.collection('rated_usage_lines').doc('c1:t0');
    await h.inTransaction(async (tx) => {
      const seen = await tx.get(dedupe);
      const prepared = await h.ledger.prepare(tx, usageCharge('carol', 'c1:t0', 1_000));
      expect([seen.exists, prepared.status]).toEqual([false, 'new']);
      await tx.get(line); // the caller may still read after prepare
      prepared.write();
      tx.create(dedupe, { state: 'completed' });
      tx.create(line, { amount_micros: 1_000 });
    });
    expect(await h.ledger.userBalance('carol', 'USD')).toBe(-1_000);
    expect((await line.get()).exists).toBe(true);
  });

  it('writes nothing when the caller transaction fails', async () => {
    await expect(
      h.inTransaction(async (tx) => {
        await h.ledger.post(tx, usageCharge('dave', 'd1:t0', 1_000));
        throw new Error('handler failed after posting');
      }),
    ).rejects.toThrow('handler failed');
    expect(await h.ledger.getTransaction('d1:t0')).toBeUndefined();
    expect(await h.ledger.totals('customer_credit:dave', 'USD')).toMatchObject({
      balance_micros: 0,
      postings: 0,
      shards_read: 0,
    });
  });

  it('keeps balances per currency apart', async () => {
    await h.inTransaction((tx) =>
      h.ledger.post(tx, stripeCredit('erin', 'evt_erin_usd', 100, 'USD')),
    );
    await h.inTransaction((tx) =>
      h.ledger.post(tx, stripeCredit('erin', 'evt_erin_jpy', 7, 'JPY')),
    );
    expect(await h.ledger.userBalance('erin', 'USD')).toBe(100);
    expect(await h.ledger.userBalance('erin', 'JPY')).toBe(7);
  });

  it('reads a balance inside a transaction when asked', async () => {
    await h.inTransaction((tx) => h.ledger.post(tx, stripeCredit('fay', 'evt_fay', 42)));
    const read = await h.inTransaction((tx) => h.ledger.userBalance('fay', 'USD', { tx }));
    expect(read.result).toBe(42);
  });
});

describe('reverse', () => {
  it('posts the mirror image and restores every balance', async () => {
    await h.inTransaction((tx) => h.ledger.post(tx, stripeCredit('gus', 'evt_gus', 9_000)));
    await h.inTransaction((tx) => h.ledger.post(tx, usageCharge('gus', 'g1:t0', 4_000)));
    const revenueBefore = await h.ledger.balance('revenue:gpu', 'USD');
    const reversed = await h.inTransaction((tx) =>
      h.ledger.reverse(tx, 'g1:t0', 'rev:g1:t0', { posted_at: '2026-05-01T13:00:00Z' }),
    );
    expect(reversed.result.status).toBe('posted');
    expect(await h.ledger.userBalance('gus', 'USD')).toBe(9_000);
    expect(await h.ledger.balance('revenue:gpu', 'USD')).toBe(revenueBefore - 4_000);
    const reversal = await h.ledger.getTransaction('rev:g1:t0');
    expect(reversal).toMatchObject({
      kind: 'reversal',
      source: { type: 'ledger_transaction', id: 'g1:t0' },
      postings: [
        { account: 'customer_credit:gus', direction: 'credit', amount_micros: 4_000 },
        { account: 'revenue:gpu', direction: 'debit', amount_micros: 4_000 },
      ],
    });
    // The original stays as it was: a correction is a new transaction, never an edit.
    expect((await h.ledger.getTransaction('g1:t0'))?.postings[0]?.direction).toBe('debit');
    const again = await h.inTransaction((tx) => h.ledger.reverse(tx, 'g1:t0', 'rev:g1:t0'));
    expect(again.result.status).toBe('duplicate');
    // A redelivered usage event after the reversal does not charge again.
    const redelivered = await h.inTransaction((tx) =>
      h.ledger.post(tx, usageCharge('gus', 'g1:t0', 4_000)),
    );
    expect(redelivered.result.status).toBe('duplicate');
    expect(await h.ledger.userBalance('gus', 'USD')).toBe(9_000);
  });
});

describe('listPostings', () => {
  it('pages through an account newest first without skipping or repeating', async () => {
    const times = Array.from({ length: 7 }, (_, i) => `2026-06-01T00:0${i}:00Z`);
    for (const [i, at] of times.entries()) {
      await h.inTransaction((tx) =>
        h.ledger.post(tx, usageCharge('hal', `h1:${i}`, 100 + i, 'USD', at)),
      );
    }
    // Two at one instant: the tie is broken by id, still one order for every page.
    await h.inTransaction((tx) =>
      h.ledger.post(tx, usageCharge('hal', 'h1:tie', 1, 'USD', '2026-06-01T00:03:00Z')),
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await h.ledger.listPostings('customer_credit:hal', {
        limit: 3,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.postings.length).toBeLessThanOrEqual(3);
      seen.push(...page.postings.map((p) => p.transaction_id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['h1:6', 'h1:5', 'h1:4', 'h1:tie', 'h1:3', 'h1:2', 'h1:1', 'h1:0']);
    const first = await h.ledger.listPostings('customer_credit:hal', { limit: 1 });
    expect(first.postings[0]).toMatchObject({
      account: 'customer_credit:hal',
      direction: 'debit',
      amount_micros: 106,
      currency: 'USD',
      kind: 'usage_charge',
      posted_at: '2026-06-01T00:06:00Z',
    });
    const all = await h.ledger.listPostings('customer_credit:hal', { limit: 500 });
    expect(all.next_cursor).toBeNull();
    const sum = all.postings.reduce(
      (s, p) => s + (p.direction === 'credit' ? 1 : -1) * p.amount_micros,
      0,
    );
    expect(await h.ledger.userBalance('hal', 'USD')).toBe(sum);
  });
});
