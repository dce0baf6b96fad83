import { createHash } from 'node:crypto';

/** A transaction id as a Firestore document id: percent-encoding keeps `/` out and stays injective. */
export const transactionDocumentId = (transactionId: string): string =>
  encodeURIComponent(transactionId);

/** `account|currency`: what every shard of one balance carries, and what balance reads query on. */
export const balanceKey = (account: string, currency: string): string =>
  `${encodeURIComponent(account)}|${currency}`;

export const shardDocumentId = (account: string, currency: string, shard: number): string =>
  `${balanceKey(account, currency)}|${shard}`;

/** Spreads one account's postings over its shards by transaction id; stable across processes. */
export function shardIndex(transactionId: string, shards: number): number {
  const digest = createHash('sha256').update(transactionId).digest();
  return digest.readUInt32BE(0) % shards;
}
