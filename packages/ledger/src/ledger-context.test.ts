import { Firestore } from '@google-cloud/firestore';
import { describe, expect, it } from 'vitest';
import { LedgerError } from './errors';
import { ledgerContext } from './ledger-context';

// Building references does not connect: no emulator needed.
const firestore = new Firestore({ projectId: 'unit' });

describe('ledgerContext', () => {
  it('derives collection names from the prefix and defaults the shard counts', () => {
    const context = ledgerContext(firestore, 'books_', undefined);
    expect(context.collections.transactions.path).toBe('books_transactions');
    expect(context.collections.balances.path).toBe('books_balances');
    expect(context.shards).toEqual({ customer: 8, platform: 32 });
  });

  it.each([
    ['a prefix with a slash', 'a/b', undefined],
    ['zero shards', undefined, { customer: 0 }],
    ['fractional shards', undefined, { platform: 1.5 }],
    ['too many shards', undefined, { platform: 1_000 }],
  ])('refuses %s', (_name, prefix, shards) => {
    expect(() => ledgerContext(firestore, prefix, shards)).toThrow(LedgerError);
  });
});
