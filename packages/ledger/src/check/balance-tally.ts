import { balanceKey } from '../document-ids';
import { storedInteger } from '../integers';
import type { Posting } from '../schemas';
import type { ScannedDocument } from './scanned-document';
import type { LedgerViolation } from './violations';

interface Totals {
  account: string;
  currency: string;
  debit: bigint;
  credit: bigint;
  postings: bigint;
}

const ZERO = { debit: 0n, credit: 0n, postings: 0n };

/** Sums postings and shard documents per (account, currency), exactly, and compares the two. */
export function createBalanceTally(violate: (violation: LedgerViolation) => void) {
  const fromPostings = new Map<string, Totals>();
  const fromShards = new Map<string, Totals>();

  const totalsFor = (map: Map<string, Totals>, account: string, currency: string): Totals => {
    const key = balanceKey(account, currency);
    let totals = map.get(key);
    if (!totals) {
      totals = { account, currency, ...ZERO };
      map.set(key, totals);
    }
    return totals;
  };

  function addPostings(postings: readonly Posting[]): void {
    for (const p of postings) {
      const totals = totalsFor(fromPostings, p.account, p.currency);
      if (p.direction === 'debit') totals.debit += BigInt(p.amount_micros);
      else totals.credit += BigInt(p.amount_micros);
      totals.postings += 1n;
    }
  }

  function addShard(doc: ScannedDocument): void {
    const { account, currency, balance_key } = doc.data;
    const debit = storedInteger(doc.data.debit_micros ?? 0);
    const credit = storedInteger(doc.data.credit_micros ?? 0);
    const count = storedInteger(doc.data.postings ?? 0);
    if (
      typeof account !== 'string' ||
      typeof currency !== 'string' ||
      balance_key !== balanceKey(account, currency) ||
      !doc.id.startsWith(`${balance_key}|`) ||
      debit === undefined ||
      credit === undefined ||
      count === undefined
    ) {
      violate({
        code: 'malformed_balance',
        document: doc.path,
        detail: 'key fields or integer totals missing',
      });
      return;
    }
    const totals = totalsFor(fromShards, account, currency);
    totals.debit += debit;
    totals.credit += credit;
    totals.postings += count;
  }

  /** Reports every balance whose shards and postings disagree; counts accounts and balances. */
  function finish(): { accounts: number; balances: number } {
    const accounts = new Set<string>();
    const keys = new Set([...fromPostings.keys(), ...fromShards.keys()]);
    for (const key of keys) {
      const want = fromPostings.get(key);
      const have = fromShards.get(key);
      const { account, currency } = (want ?? have) as Totals;
      accounts.add(account);
      const w = want ?? ZERO;
      const h = have ?? ZERO;
      if (w.debit !== h.debit || w.credit !== h.credit || w.postings !== h.postings) {
        violate({
          code: 'balance_mismatch',
          account,
          currency,
          detail: `postings sum to debit ${w.debit}, credit ${w.credit} in ${w.postings} lines; shards hold debit ${h.debit}, credit ${h.credit} in ${h.postings}`,
        });
      }
    }
    return { accounts: accounts.size, balances: keys.size };
  }

  return { addPostings, addShard, finish };
}
