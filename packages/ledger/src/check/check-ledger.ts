import { performance } from 'node:perf_hooks';
import type { DocumentSnapshot, Firestore, Timestamp, Transaction } from '@google-cloud/firestore';
import { type LedgerCollections, ledgerCollections } from '../collections';
import { transactionDocumentId } from '../document-ids';
import { rfc3339Of } from '../timestamps';
import { createLedgerAudit, type LedgerAudit } from './ledger-audit';
import { readOnlyAt, scanPages, streamQuery } from './scan-snapshot';
import type { LedgerCheckReport } from './violations';

export interface CheckLedgerOptions {
  firestore: Firestore;
  collectionPrefix?: string;
  /** Documents per query page where the check pages (balances, claims); default 10,000. */
  pageSize?: number;
  /** How many violations the report lists (all are counted); default 100. */
  maxViolations?: number;
  /**
   * Check the ledger as it stood at this instant (within the version retention, 1 h without
   * point-in-time recovery). Default: one streamed snapshot of now.
   */
  readTime?: Timestamp;
}

// Everything the audit verifies; metadata stays on the server.
const TRANSACTION_FIELDS = [
  'transaction_id',
  'kind',
  'postings',
  'accounts',
  'posted_at',
  'source',
  'fingerprint',
];
const BALANCE_FIELDS = [
  'balance_key',
  'account',
  'currency',
  'debit_micros',
  'credit_micros',
  'postings',
];
const GET_ALL_CHUNK = 300;

/** The server's clock, from a single-document read. */
async function serverNow(collections: LedgerCollections): Promise<Timestamp> {
  return (await collections.reversals.doc('read-time').get()).readTime;
}

/** Claims, then the originals the scan passed before it met their reversal: reads per reversal. */
async function finishReversals(
  tx: Transaction,
  collections: LedgerCollections,
  audit: LedgerAudit,
  pageSize: number,
): Promise<void> {
  await scanPages(tx, collections.reversals, pageSize, audit.reversalClaim);
  const pending = audit.pendingOriginals();
  for (let i = 0; i < pending.length; i += GET_ALL_CHUNK) {
    const ids = pending.slice(i, i + GET_ALL_CHUNK);
    const refs = ids.map((id) => collections.transactions.doc(transactionDocumentId(id)));
    const snapshots: DocumentSnapshot[] = await tx.getAll(...refs);
    snapshots.forEach((snapshot, n) => {
      audit.original(ids[n] as string, snapshot.exists ? snapshot.data() : undefined);
    });
  }
}

/**
 * The ledger check: every transaction balances per currency and is unedited, every balance
 * equals the sum of its postings, every usage event is charged at most once, every reversal
 * mirrors its original once. Every read is at one snapshot, so concurrent posting cannot skew it.
 */
export async function checkLedger(options: CheckLedgerOptions): Promise<LedgerCheckReport> {
  const started = performance.now();
  const { firestore } = options;
  const collections = ledgerCollections(firestore, options.collectionPrefix);
  const pageSize = options.pageSize ?? 10_000;
  const audit = createLedgerAudit({ maxViolations: options.maxViolations ?? 100 });
  const transactions = collections.transactions.select(...TRANSACTION_FIELDS);
  const balances = collections.balances.select(...BALANCE_FIELDS);
  const scanBalances = (readTime: Timestamp) =>
    readOnlyAt(firestore, readTime, (tx) => scanPages(tx, balances, pageSize, audit.balanceShard));

  let readTime = options.readTime;
  let balancesRead: Promise<void> | undefined;
  if (!readTime) {
    // The stream fixes the snapshot; the balances are read at it while the stream goes on.
    readTime = await streamQuery(transactions, audit.transaction, (at) => {
      balancesRead = scanBalances(at);
      balancesRead.catch(() => undefined); // awaited below; this only keeps it from being unhandled
    });
  }
  if (readTime && balancesRead) {
    await balancesRead;
  } else {
    // A given read time, or no transaction at all in the stream: page everything at one instant.
    readTime ??= await serverNow(collections);
    const at = readTime;
    await Promise.all([
      readOnlyAt(firestore, at, (tx) => scanPages(tx, transactions, pageSize, audit.transaction)),
      scanBalances(at),
    ]);
  }
  const at = readTime;
  await readOnlyAt(firestore, at, (tx) => finishReversals(tx, collections, audit, pageSize));
  return {
    ...audit.report(),
    read_time: rfc3339Of(at),
    duration_ms: Math.round(performance.now() - started),
  };
}
