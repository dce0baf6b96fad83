import { LedgerError } from './errors';
import type { Posting } from './schemas';

/** What one transaction adds to one (account, currency) balance. */
export interface BalanceDelta {
  account: string;
  currency: string;
  debit_micros: number;
  credit_micros: number;
  postings: number;
}

/** Postings folded per (account, currency), so each shard document is written once per transaction. */
export function balanceDeltas(postings: readonly Posting[]): BalanceDelta[] {
  const byKey = new Map<string, BalanceDelta>();
  for (const p of postings) {
    const key = JSON.stringify([p.account, p.currency]);
    let delta = byKey.get(key);
    if (!delta) {
      delta = {
        account: p.account,
        currency: p.currency,
        debit_micros: 0,
        credit_micros: 0,
        postings: 0,
      };
      byKey.set(key, delta);
    }
    if (p.direction === 'debit') delta.debit_micros += p.amount_micros;
    else delta.credit_micros += p.amount_micros;
    delta.postings += 1;
    // An increment past 2^53 would be stored as a double and round: refuse rather than lose micros.
    if (!Number.isSafeInteger(delta.debit_micros) || !Number.isSafeInteger(delta.credit_micros)) {
      throw new LedgerError(
        'invalid_amount',
        `postings to ${p.account} in ${p.currency} exceed ${Number.MAX_SAFE_INTEGER} micros`,
        '/postings',
      );
    }
  }
  return [...byKey.values()];
}
