import { afterAll, describe, expect, it } from 'vitest';
import { LedgerError, type LedgerErrorReason } from '../src/index';
import { startHarness, stripeCredit, usageCharge } from './harness';

const h = startHarness();
afterAll(() => h.close());

async function refusal(promise: Promise<unknown>): Promise<LedgerErrorReason> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LedgerError) return error.reason;
    throw error;
  }
  throw new Error('expected a LedgerError');
}

describe('post refuses', () => {
  it('a re-post of an id with other postings, and leaves the first intact', async () => {
    await h.inTransaction((tx) => h.ledger.post(tx, stripeCredit('ann', 'evt_ann', 1_000)));
    const other = stripeCredit('ann', 'evt_ann', 2_000);
    expect(await refusal(h.inTransaction((tx) => h.ledger.post(tx, other)))).toBe(
      'transaction_conflict',
    );
    const kind = { ...stripeCredit('ann', 'evt_ann', 1_000), kind: 'manual_credit' as const };
    expect(await refusal(h.inTransaction((tx) => h.ledger.post(tx, kind)))).toBe(
      'transaction_conflict',
    );
    expect(await h.ledger.userBalance('ann', 'USD')).toBe(1_000);
  });

  it('an unbalanced transaction, writing nothing', async () => {
    const input = usageCharge('ben', 'b1:t0', 1_000);
    const unbalanced = {
      ...input,
      postings: input.postings.map((p, i) => (i === 1 ? { ...p, amount_micros: 999 } : p)),
    };
    expect(await refusal(h.inTransaction((tx) => h.ledger.post(tx, unbalanced)))).toBe(
      'unbalanced',
    );
    expect(await h.ledger.getTransaction('b1:t0')).toBeUndefined();
    expect((await h.ledger.totals('customer_credit:ben', 'USD')).shards_read).toBe(0);
  });

  it('floats and unknown accounts', async () => {
    const float = usageCharge('ben', 'b1:t1', 0.5);
    expect(await refusal(h.inTransaction((tx) => h.ledger.post(tx, float)))).toBe('invalid_amount');
    const typo = usageCharge('ben', 'b1:t2', 5);
    const badAccount = {
      ...typo,
      postings: typo.postings.map((p, i) => (i === 1 ? { ...p, account: 'revenu:gpu' } : p)),
    };
    expect(await refusal(h.inTransaction((tx) => h.ledger.post(tx, badAccount)))).toBe(
      'invalid_account',
    );
  });

  it('writing a prepared posting twice', async () => {
    const reason = await refusal(
      h.inTransaction(async (tx) => {
        const prepared = await h.ledger.prepare(tx, usageCharge('ben', 'b1:t3', 5));
        prepared.write();
        prepared.write();
      }),
    );
    expect(reason).toBe('already_written');
    expect(await h.ledger.getTransaction('b1:t3')).toBeUndefined();
  });
});

describe('reverse refuses', () => {
  it('a second reversal under another id', async () => {
    await h.inTransaction((tx) => h.ledger.post(tx, usageCharge('cat', 'c1:t0', 700)));
    await h.inTransaction((tx) => h.ledger.reverse(tx, 'c1:t0', 'rev-1'));
    expect(await refusal(h.inTransaction((tx) => h.ledger.reverse(tx, 'c1:t0', 'rev-2')))).toBe(
      'already_reversed',
    );
    expect(await h.ledger.userBalance('cat', 'USD')).toBe(0);
    expect(await h.ledger.getTransaction('rev-2')).toBeUndefined();
  });

  it('a reversal of a reversal, of a missing transaction, or onto a taken id', async () => {
    expect(await refusal(h.inTransaction((tx) => h.ledger.reverse(tx, 'rev-1', 'rev-rev')))).toBe(
      'not_reversible',
    );
    expect(await refusal(h.inTransaction((tx) => h.ledger.reverse(tx, 'nope', 'rev-nope')))).toBe(
      'transaction_not_found',
    );
    await h.inTransaction((tx) => h.ledger.post(tx, usageCharge('cat', 'c1:t1', 300)));
    expect(await refusal(h.inTransaction((tx) => h.ledger.reverse(tx, 'c1:t1', 'c1:t0')))).toBe(
      'transaction_conflict',
    );
  });

  it('posting a reversal through post()', async () => {
    const sneaky = { ...stripeCredit('cat', 'evt_cat', 5), kind: 'reversal' };
    expect(await refusal(h.inTransaction((tx) => h.ledger.post(tx, sneaky as never)))).toBe(
      'reversal_requires_reverse',
    );
  });
});

describe('reads refuse', () => {
  it('unknown accounts, bad currencies and foreign cursors', async () => {
    expect(await refusal(h.ledger.balance('wallet:x', 'USD'))).toBe('invalid_account');
    expect(await refusal(h.ledger.userBalance('x', 'usd'))).toBe('invalid_currency');
    expect(await refusal(h.ledger.listPostings('customer_credit:x', { cursor: 'garbage' }))).toBe(
      'invalid_cursor',
    );
    expect(await refusal(h.ledger.listPostings('customer_credit:x', { limit: 0 }))).toBe(
      'invalid_options',
    );
    expect(await refusal(h.ledger.getTransaction('..'))).toBe('invalid_transaction');
    expect(await refusal(h.inTransaction((tx) => h.ledger.reverse(tx, 'c1:t0', '__x__')))).toBe(
      'invalid_transaction',
    );
  });
});
