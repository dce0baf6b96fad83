import { describe, expect, it } from 'vitest';
import { LedgerError, type LedgerErrorReason } from './errors';
import { validateTransaction } from './validate-transaction';

const charge = (overrides: Record<string, unknown> = {}) => ({
  transaction_id: 'alloc-1:2026-01-01T00:00:00Z',
  kind: 'usage_charge',
  posted_at: '2026-01-01T00:01:00Z',
  source: { type: 'usage_event', id: 'alloc-1:2026-01-01T00:00:00Z' },
  postings: [
    {
      account: 'customer_credit:u1',
      direction: 'debit',
      amount_micros: 1_500_000,
      currency: 'USD',
    },
    { account: 'revenue:gpu', direction: 'credit', amount_micros: 1_500_000, currency: 'USD' },
  ],
  ...overrides,
});

function reasonOf(input: unknown): LedgerErrorReason | undefined {
  try {
    validateTransaction(input);
    return undefined;
  } catch (error) {
    if (error instanceof LedgerError) return error.reason;
    throw error;
  }
}

const withAmount = (amount: unknown) =>
  charge({
    postings: [
      { account: 'customer_credit:u1', direction: 'debit', amount_micros: amount, currency: 'USD' },
      { account: 'revenue:gpu', direction: 'credit', amount_micros: amount, currency: 'USD' },
    ],
  });

describe('validateTransaction', () => {
  it('accepts a balanced usage charge and returns its canonical form', () => {
    const valid = validateTransaction(charge({ posted_at: '2026-01-01T00:01:00.500000Z' }));
    expect(valid.posted_at).toBe('2026-01-01T00:01:00.5Z');
    expect(valid.postings).toHaveLength(2);
  });

  it.each([
    ['a float', 1.5],
    ['zero', 0],
    ['a negative amount', -5],
    ['beyond the safe-integer range', 2 ** 53],
    ['a string', '100'],
    ['a bigint', 100n],
    ['NaN', Number.NaN],
  ])('refuses %s as an amount', (_name, amount) => {
    expect(reasonOf(withAmount(amount))).toBe('invalid_amount');
  });

  it('refuses fewer than two postings', () => {
    const one = charge({ postings: [charge().postings[0]] });
    expect(reasonOf(one)).toBe('too_few_postings');
  });

  it('refuses debits that do not equal credits', () => {
    const postings = charge().postings.map((p, i) => ({ ...p, amount_micros: i === 0 ? 2 : 1 }));
    expect(reasonOf(charge({ postings }))).toBe('unbalanced');
  });

  it('balances per currency, not across currencies', () => {
    const postings = [
      { account: 'stripe_clearing', direction: 'debit', amount_micros: 100, currency: 'USD' },
      { account: 'customer_credit:u1', direction: 'credit', amount_micros: 100, currency: 'EUR' },
    ];
    expect(reasonOf({ ...charge(), kind: 'credit', source: undefined, postings })).toBe(
      'unbalanced',
    );
    const both = [
      ...postings,
      { account: 'stripe_clearing', direction: 'debit', amount_micros: 100, currency: 'EUR' },
      { account: 'customer_credit:u1', direction: 'credit', amount_micros: 100, currency: 'USD' },
    ];
    const { source: _source, ...credit } = charge({ kind: 'credit', postings: both });
    expect(reasonOf(credit)).toBeUndefined();
  });

  it('sums exactly beyond 2^53 when checking balance', () => {
    const big = Number.MAX_SAFE_INTEGER;
    // 2·MAX − 1 and 2·MAX − 2 round to the same double: only an exact sum sees they differ.
    const postings = [
      { account: 'stripe_clearing', direction: 'debit', amount_micros: big, currency: 'USD' },
      { account: 'stripe_clearing', direction: 'debit', amount_micros: big - 1, currency: 'USD' },
      { account: 'customer_credit:u1', direction: 'credit', amount_micros: big, currency: 'USD' },
      {
        account: 'customer_credit:u2',
        direction: 'credit',
        amount_micros: big - 2,
        currency: 'USD',
      },
    ];
    const { source: _source, ...credit } = charge({ kind: 'credit', postings });
    expect(reasonOf(credit)).toBe('unbalanced');
  });

  it.each([
    ['an unknown account type', 'customer_credits:u1'],
    ['a keyed type without a key', 'customer_credit'],
    ['a single account with a key', 'stripe_clearing:x'],
    ['a key with a space', 'customer_credit:u 1'],
    ['upper case', 'Revenue:gpu'],
  ])('refuses %s', (_name, account) => {
    const postings = charge().postings.map((p, i) => (i === 0 ? { ...p, account } : p));
    expect(reasonOf(charge({ postings }))).toBe('invalid_account');
  });

  it('refuses a currency that is not ISO 4217 upper case', () => {
    const postings = charge().postings.map((p) => ({ ...p, currency: 'usd' }));
    expect(reasonOf(charge({ postings }))).toBe('invalid_currency');
  });

  it('ties a usage charge to its usage event id', () => {
    expect(reasonOf(charge({ source: undefined }))).toBe('invalid_source');
    expect(reasonOf(charge({ source: { type: 'usage_event', id: 'other' } }))).toBe(
      'invalid_source',
    );
  });

  it('keeps reversals to reverse()', () => {
    expect(reasonOf(charge({ kind: 'reversal' }))).toBe('reversal_requires_reverse');
    const { source: _s, ...credit } = charge({ kind: 'credit' });
    expect(reasonOf({ ...credit, source: { type: 'ledger_transaction', id: 'x' } })).toBe(
      'reversal_requires_reverse',
    );
  });

  it.each([
    ['an unknown field', charge({ extra: 1 })],
    ['a posted_at with an offset', charge({ posted_at: '2026-01-01T01:00:00+01:00' })],
    [
      'a reserved id',
      charge({ transaction_id: '__x__', source: { type: 'usage_event', id: '__x__' } }),
    ],
    [
      'an id with a space',
      charge({ transaction_id: 'a b', source: { type: 'usage_event', id: 'a b' } }),
    ],
    ['a non-object', 'hello'],
    ['a metadata key with a space', charge({ metadata: { 'line id': 'x' } })],
    ['a metadata value that is not a string', charge({ metadata: { line_id: 5 } })],
    ['postings that are not an array', charge({ postings: 'x' })],
  ])('refuses %s', (_name, input) => {
    expect(reasonOf(input)).toBe('invalid_transaction');
  });

  it('keeps metadata', () => {
    expect(validateTransaction(charge({ metadata: { line_id: 'l-1' } })).metadata).toEqual({
      line_id: 'l-1',
    });
  });

  it('points at the offending field', () => {
    try {
      validateTransaction(withAmount(0.5));
      expect.unreachable();
    } catch (error) {
      expect((error as LedgerError).pointer).toBe('/postings/0/amount_micros');
    }
  });
});
