import { FieldPath, Timestamp } from '@google-cloud/firestore';
import { parseAccount } from './accounts';
import { LedgerError } from './errors';
import type { LedgerContext } from './ledger-context';
import type { PostingDirection, TransactionKind, TransactionSource } from './schemas';
import { decodeTransactionDocument } from './transaction-document';

export interface ListPostingsOptions {
  /** Transactions per page, 1-500; default 50. A transaction with two lines on the account gives two. */
  limit?: number;
  /** `next_cursor` of the previous page. */
  cursor?: string;
}

/** One line of an account's history. */
export interface AccountPosting {
  transaction_id: string;
  kind: TransactionKind;
  posted_at: string;
  account: string;
  direction: PostingDirection;
  amount_micros: number;
  currency: string;
  source?: TransactionSource;
}

export interface PostingPage {
  postings: AccountPosting[];
  /** Null on the last page. */
  next_cursor: string | null;
}

interface Cursor {
  s: number;
  n: number;
  id: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(value: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (
      Number.isSafeInteger(parsed.s) &&
      Number.isInteger(parsed.n) &&
      typeof parsed.id === 'string'
    ) {
      return parsed as Cursor;
    }
  } catch {
    // falls through to the typed error
  }
  throw new LedgerError('invalid_cursor', 'cursor was not issued by listPostings');
}

/** Newest first by `posted_at`, then by transaction document id, so pages never skip or repeat. */
export async function listAccountPostings(
  context: LedgerContext,
  account: string,
  options: ListPostingsOptions = {},
): Promise<PostingPage> {
  parseAccount(account);
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new LedgerError('invalid_options', 'limit must be an integer 1-500');
  }
  let query = context.collections.transactions
    .where('accounts', 'array-contains', account)
    .orderBy('posted_at', 'desc')
    .orderBy(FieldPath.documentId(), 'desc');
  if (options.cursor !== undefined) {
    const cursor = decodeCursor(options.cursor);
    query = query.startAfter(new Timestamp(cursor.s, cursor.n), cursor.id);
  }
  // One more than asked tells whether another page exists without an empty last page.
  const snapshot = await query.limit(limit + 1).get();
  const docs = snapshot.docs.slice(0, limit);
  const postings: AccountPosting[] = [];
  for (const doc of docs) {
    const decoded = decodeTransactionDocument(doc.data());
    if (!decoded.ok) {
      throw new LedgerError('invalid_transaction', `stored ${doc.id}: ${decoded.problem}`);
    }
    const { transaction } = decoded.value;
    for (const p of transaction.postings) {
      if (p.account !== account) continue;
      postings.push({
        transaction_id: transaction.transaction_id,
        kind: transaction.kind,
        posted_at: transaction.posted_at,
        account: p.account,
        direction: p.direction,
        amount_micros: p.amount_micros,
        currency: p.currency,
        ...(transaction.source ? { source: transaction.source } : {}),
      });
    }
  }
  const last = docs.at(-1);
  const postedAt = last?.get('posted_at') as Timestamp | undefined;
  const next_cursor =
    snapshot.size > limit && last && postedAt
      ? encodeCursor({ s: postedAt.seconds, n: postedAt.nanoseconds, id: last.id })
      : null;
  return { postings, next_cursor };
}
