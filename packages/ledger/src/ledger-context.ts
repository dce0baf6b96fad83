import type { DocumentReference, Firestore, SetOptions } from '@google-cloud/firestore';
import { FieldValue } from '@google-cloud/firestore';
import { type AccountScope, parseAccount } from './accounts';
import type { BalanceDelta } from './balance-deltas';
import { type LedgerCollections, ledgerCollections } from './collections';
import { balanceKey, shardDocumentId, shardIndex } from './document-ids';
import { LedgerError } from './errors';

/** How many shard documents hold each balance, by account scope. */
export interface LedgerShards {
  /** Per-user accounts (`customer_credit:<user>`); default 8. */
  customer?: number;
  /** Accounts every user's events touch (`revenue:gpu`, `stripe_clearing`); default 32. */
  platform?: number;
}

export const DEFAULT_SHARDS: Required<LedgerShards> = { customer: 8, platform: 32 };
const MAX_SHARDS = 256;

/** What every ledger operation shares: the client, its collections and the shard layout. */
export interface LedgerContext {
  firestore: Firestore;
  collections: LedgerCollections;
  shards: Required<LedgerShards>;
}

export function ledgerContext(
  firestore: Firestore,
  collectionPrefix: string | undefined,
  shards: LedgerShards | undefined,
): LedgerContext {
  if (collectionPrefix !== undefined && !/^[A-Za-z0-9_-]{0,64}$/.test(collectionPrefix)) {
    throw new LedgerError('invalid_options', 'collectionPrefix is up to 64 of [A-Za-z0-9_-]');
  }
  const resolved = { ...DEFAULT_SHARDS, ...shards };
  for (const [scope, count] of Object.entries(resolved)) {
    if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS) {
      throw new LedgerError(
        'invalid_options',
        `shards.${scope} must be an integer 1-${MAX_SHARDS}`,
      );
    }
  }
  return {
    firestore,
    collections: ledgerCollections(firestore, collectionPrefix),
    shards: resolved,
  };
}

/** Anything that takes a merge write: a Transaction or a WriteBatch. */
export interface MergeWriter {
  set(ref: DocumentReference, data: Record<string, unknown>, options: SetOptions): unknown;
}

export function shardCount(context: LedgerContext, scope: AccountScope): number {
  return context.shards[scope];
}

/**
 * Blind increments, no read: concurrent postings to one account never lock each other's shard
 * (Firestore read-locks what a transaction reads, and serialises badly on contended documents).
 */
export function writeBalanceDeltas(
  context: LedgerContext,
  writer: MergeWriter,
  transactionId: string,
  deltas: readonly BalanceDelta[],
): void {
  for (const delta of deltas) {
    const scope = parseAccount(delta.account).definition.scope;
    const shard = shardIndex(transactionId, shardCount(context, scope));
    const ref = context.collections.balances.doc(
      shardDocumentId(delta.account, delta.currency, shard),
    );
    writer.set(
      ref,
      {
        balance_key: balanceKey(delta.account, delta.currency),
        account: delta.account,
        currency: delta.currency,
        shard,
        debit_micros: FieldValue.increment(delta.debit_micros),
        credit_micros: FieldValue.increment(delta.credit_micros),
        postings: FieldValue.increment(delta.postings),
      },
      { merge: true },
    );
  }
}
