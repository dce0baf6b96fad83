import type {
  Firestore,
  Query,
  QueryDocumentSnapshot,
  QuerySnapshot,
  Timestamp,
  Transaction,
} from '@google-cloud/firestore';
import type { ScannedDocument } from './scanned-document';

function scanned(doc: QueryDocumentSnapshot): ScannedDocument {
  return {
    id: doc.id,
    path: doc.ref.path,
    data: doc.data(),
    edited: !doc.createTime.isEqual(doc.updateTime),
  };
}

/**
 * Pages through a query at the transaction's read time, fetching the next page while this one is
 * audited. One document past the page says whether another page exists, so the last page is never
 * an empty query.
 */
export async function scanPages(
  tx: Transaction,
  query: Query,
  pageSize: number,
  visit: (doc: ScannedDocument) => void,
): Promise<void> {
  const ordered = query.orderBy('__name__');
  const page = (after?: QueryDocumentSnapshot): Promise<QuerySnapshot> =>
    tx.get((after ? ordered.startAfter(after) : ordered).limit(pageSize + 1));
  let next: Promise<QuerySnapshot> | undefined = page();
  while (next) {
    const snapshot: QuerySnapshot = await next;
    const docs = snapshot.docs.slice(0, pageSize);
    const last = docs.at(-1);
    next = snapshot.size > pageSize && last ? page(last) : undefined;
    for (const doc of docs) visit(scanned(doc));
  }
}

/**
 * Streams a query as one RunQuery: a single server-side snapshot (the client resumes a broken
 * stream at the same read time), with no per-page query cost. Returns that snapshot's read time,
 * or undefined when the query matched nothing.
 */
export async function streamQuery(
  query: Query,
  visit: (doc: ScannedDocument) => void,
  onReadTime: (readTime: Timestamp) => void,
): Promise<Timestamp | undefined> {
  let readTime: Timestamp | undefined;
  for await (const doc of query.stream() as AsyncIterable<QueryDocumentSnapshot>) {
    if (!readTime) {
      readTime = doc.readTime;
      onReadTime(readTime);
    } else if (!doc.readTime.isEqual(readTime)) {
      throw new Error('ledger check: the transaction stream changed snapshot mid-way');
    }
    visit(scanned(doc));
  }
  return readTime;
}

/** A read-only transaction at `readTime`: no locks, every read at that one instant. */
export function readOnlyAt<T>(
  firestore: Firestore,
  readTime: Timestamp,
  fn: (tx: Transaction) => Promise<T>,
): Promise<T> {
  return firestore.runTransaction(fn, { readOnly: true, readTime });
}
