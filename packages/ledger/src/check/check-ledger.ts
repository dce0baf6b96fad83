import { performance } from 'node:perf_hooks';
import type {
  Firestore,
  Query,
  QueryDocumentSnapshot,
  QuerySnapshot,
  Timestamp,
  Transaction,
} from '@google-cloud/firestore';
import { type LedgerCollections, ledgerCollections } from '../collections';
import { rfc3339Of } from '../timestamps';
import { createLedgerAudit, type ScannedDocument } from './ledger-audit';
import type { LedgerCheckReport } from './violations';

export interface CheckLedgerOptions {
  firestore: Firestore;
  collectionPrefix?: string;
  /** Documents per query page; default 5,000. */
  pageSize?: number;
  /** How many violations the report lists (all are counted); default 100. */
  maxViolations?: number;
  /** Snapshot to check; default the server's current time. Must be within the version retention (1 h). */
  readTime?: Timestamp;
}

const TRANSACTION_FIELDS = [
  'transaction_id',
  'kind',
  'postings',
  'accounts',
  'posted_at',
  'source',
  'metadata',
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

function scanned(doc: QueryDocumentSnapshot): ScannedDocument {
  return {
    id: doc.id,
    path: doc.ref.path,
    data: doc.data(),
    edited: !doc.createTime.isEqual(doc.updateTime),
  };
}

/** Pages through a query at the transaction's read time; the next page is fetched while one is processed. */
async function scan(
  tx: Transaction,
  query: Query,
  pageSize: number,
  visit: (doc: ScannedDocument) => void,
): Promise<void> {
  const page = (after?: QueryDocumentSnapshot): Promise<QuerySnapshot> =>
    tx.get((after ? query.startAfter(after) : query).limit(pageSize));
  let next: Promise<QuerySnapshot> | undefined = page();
  while (next) {
    const snapshot: QuerySnapshot = await next;
    const last = snapshot.docs.at(-1);
    next = snapshot.size === pageSize && last ? page(last) : undefined;
    for (const doc of snapshot.docs) visit(scanned(doc));
  }
}

async function serverNow(collections: LedgerCollections): Promise<Timestamp> {
  const snapshot = await collections.transactions.select().limit(1).get();
  return snapshot.readTime;
}

/**
 * The ledger check: every transaction balances per currency and is unedited, every balance
 * equals the sum of its postings, every usage event is charged at most once, every reversal
 * mirrors its original once. All reads at one snapshot, so concurrent posting cannot skew it.
 */
export async function checkLedger(options: CheckLedgerOptions): Promise<LedgerCheckReport> {
  const started = performance.now();
  const collections = ledgerCollections(options.firestore, options.collectionPrefix);
  const pageSize = options.pageSize ?? 5_000;
  const audit = createLedgerAudit({ maxViolations: options.maxViolations ?? 100 });
  const readTime = options.readTime ?? (await serverNow(collections));
  const byId = (query: Query) => query.orderBy('__name__');
  await options.firestore.runTransaction(
    async (tx) => {
      // Reversals first (few): the main scan then matches each original as it passes.
      await scan(
        tx,
        byId(
          collections.transactions.where('kind', '==', 'reversal').select(...TRANSACTION_FIELDS),
        ),
        pageSize,
        audit.reversal,
      );
      await Promise.all([
        scan(
          tx,
          byId(collections.transactions.select(...TRANSACTION_FIELDS)),
          pageSize,
          audit.transaction,
        ),
        scan(
          tx,
          byId(collections.balances.select(...BALANCE_FIELDS)),
          pageSize,
          audit.balanceShard,
        ),
        scan(tx, byId(collections.reversals), pageSize, audit.reversalClaim),
      ]);
    },
    { readOnly: true, readTime },
  );
  return {
    ...audit.report(),
    read_time: rfc3339Of(readTime),
    duration_ms: Math.round(performance.now() - started),
  };
}
