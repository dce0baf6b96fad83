import type { CollectionReference, Firestore } from '@google-cloud/firestore';

/** Default prefix of the ledger's collections: `ledger_transactions`, `ledger_balances`, ... */
export const DEFAULT_COLLECTION_PREFIX = 'ledger_';

export interface LedgerCollectionNames {
  /** One immutable document per transaction, id = the percent-encoded transaction id. */
  transactions: string;
  /** Sharded running totals per (account, currency), updated by blind increments. */
  balances: string;
  /** One document per reversed transaction: at most one reversal each. */
  reversals: string;
}

export function collectionNames(prefix = DEFAULT_COLLECTION_PREFIX): LedgerCollectionNames {
  return {
    transactions: `${prefix}transactions`,
    balances: `${prefix}balances`,
    reversals: `${prefix}reversals`,
  };
}

export interface LedgerCollections {
  transactions: CollectionReference;
  balances: CollectionReference;
  reversals: CollectionReference;
}

export function ledgerCollections(firestore: Firestore, prefix?: string): LedgerCollections {
  const names = collectionNames(prefix);
  return {
    transactions: firestore.collection(names.transactions),
    balances: firestore.collection(names.balances),
    reversals: firestore.collection(names.reversals),
  };
}
