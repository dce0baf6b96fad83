import { describe, expect, it } from 'vitest';
import { formatReport } from './format-report';
import type { LedgerCheckReport } from './violations';

const report: LedgerCheckReport = {
  ok: false,
  read_time: '2026-01-01T00:00:00Z',
  transactions: 1,
  postings: 2,
  accounts: 2,
  balances: 2,
  reversals: 0,
  violation_count: 3,
  violations: [
    { code: 'balance_mismatch', account: 'revenue:gpu', currency: 'USD', detail: 'off by one' },
    { code: 'unbalanced', transaction_id: 'a:1', currency: 'USD', detail: 'debits − credits = 1' },
  ],
  duration_ms: 1234,
};

describe('formatReport', () => {
  it('names each listed violation and counts the ones left out', () => {
    const text = formatReport(report);
    expect(text).toContain('ledger check FAILED at 2026-01-01T00:00:00Z in 1,234 ms');
    expect(text).toContain('1 transaction, 2 postings, 2 accounts, 2 balances, 0 reversals');
    expect(text).toContain('- balance_mismatch [revenue:gpu USD]: off by one');
    expect(text).toContain('- unbalanced [a:1 USD]: debits − credits = 1');
    expect(text).toContain('… and 1 more');
  });

  it('is two lines when the ledger holds', () => {
    const text = formatReport({ ...report, ok: true, violation_count: 0, violations: [] });
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toContain('ledger check OK');
  });
});
