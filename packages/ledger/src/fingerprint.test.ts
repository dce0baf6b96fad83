import { describe, expect, it } from 'vitest';
import { fingerprintOf, mirrorPostings } from './fingerprint';
import type { Posting } from './schemas';

const postings: Posting[] = [
  { account: 'stripe_clearing', direction: 'debit', amount_micros: 10, currency: 'USD' },
  { account: 'customer_credit:u1', direction: 'credit', amount_micros: 10, currency: 'USD' },
];

describe('fingerprintOf', () => {
  it('ignores the order postings are listed in', () => {
    expect(fingerprintOf({ kind: 'credit', postings })).toBe(
      fingerprintOf({ kind: 'credit', postings: [...postings].reverse() }),
    );
  });

  it('changes with an amount, a side, the kind or the source', () => {
    const base = fingerprintOf({ kind: 'credit', postings });
    const others = [
      fingerprintOf({
        kind: 'credit',
        postings: postings.map((p) => ({ ...p, amount_micros: 11 })),
      }),
      fingerprintOf({ kind: 'credit', postings: mirrorPostings(postings) }),
      fingerprintOf({ kind: 'manual_credit', postings }),
      fingerprintOf({ kind: 'credit', postings, source: { type: 'stripe_event', id: 'evt_1' } }),
    ];
    for (const other of others) expect(other).not.toBe(base);
  });
});

describe('mirrorPostings', () => {
  it('swaps every side and keeps the rest', () => {
    expect(mirrorPostings(postings).map((p) => p.direction)).toEqual(['credit', 'debit']);
    expect(mirrorPostings(mirrorPostings(postings))).toEqual(postings);
  });
});
