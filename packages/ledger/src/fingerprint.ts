import { createHash } from 'node:crypto';
import type { Posting, TransactionKind, TransactionSource } from './schemas';

export interface FingerprintInput {
  kind: TransactionKind;
  postings: readonly Posting[];
  source?: TransactionSource | undefined;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Postings in one canonical order, so a re-post listing them differently is still a duplicate. */
export function canonicalPostings(postings: readonly Posting[]): Posting[] {
  return postings
    .map((p) => ({
      account: p.account,
      direction: p.direction,
      amount_micros: p.amount_micros,
      currency: p.currency,
    }))
    .sort(
      (a, b) =>
        compare(a.account, b.account) ||
        compare(a.currency, b.currency) ||
        compare(a.direction, b.direction) ||
        a.amount_micros - b.amount_micros,
    );
}

/**
 * What makes two posts of one id the same transaction: kind, source and postings. `posted_at` and
 * metadata are left out, so a redelivery stamped at another time is still a duplicate.
 */
export function fingerprintOf(input: FingerprintInput): string {
  const canonical = JSON.stringify([
    input.kind,
    input.source ? [input.source.type, input.source.id] : null,
    canonicalPostings(input.postings).map((p) => [
      p.account,
      p.direction,
      p.amount_micros,
      p.currency,
    ]),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The same lines on the opposite sides: what a reversal posts. */
export function mirrorPostings(postings: readonly Posting[]): Posting[] {
  return postings.map((p) => ({
    account: p.account,
    direction: p.direction === 'debit' ? 'credit' : 'debit',
    amount_micros: p.amount_micros,
    currency: p.currency,
  }));
}
