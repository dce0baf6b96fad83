import type { DocumentSnapshot, Transaction } from '@google-cloud/firestore';
import { Currency } from '@gpuaas/contracts';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { type NormalSide, parseAccount } from './accounts';
import { balanceKey, shardDocumentId } from './document-ids';
import { LedgerError } from './errors';
import { safeNumber, storedInteger } from './integers';
import { type LedgerContext, shardCount } from './ledger-context';

/** One balance as the sum of its shards; all amounts in micros. */
export interface AccountTotals {
  account: string;
  currency: string;
  normal: NormalSide;
  /** On the account's normal side: credits − debits for credit-normal accounts, else the reverse. */
  balance_micros: number;
  debit_micros: number;
  credit_micros: number;
  postings: number;
  /** Shard documents read: bounded by the shard count, never by the account's history. */
  shards_read: number;
}

export interface ReadOptions {
  /**
   * Read inside this transaction: the balance's shards by id, read-locked until it commits (keep
   * it off the per-event path). Sums shards below the configured count: counts only ever grow.
   */
  tx?: Transaction;
}

const checkCurrency = TypeCompiler.Compile(Currency);

function exact(value: bigint, what: string): number {
  const number = safeNumber(value);
  if (number === undefined) throw new LedgerError('balance_out_of_range', `${what} is ${value}`);
  return number;
}

export async function readAccountTotals(
  context: LedgerContext,
  account: string,
  currency: string,
  options: ReadOptions = {},
): Promise<AccountTotals> {
  const { definition } = parseAccount(account);
  if (!checkCurrency.Check(currency)) {
    throw new LedgerError('invalid_currency', `${currency} is not an ISO 4217 code`);
  }
  let docs: DocumentSnapshot[];
  if (options.tx) {
    // Inside a transaction, the shards by id: a query there would lock a range that every other
    // account's postings write into (the emulator locks the whole collection), so concurrent
    // credits of different users would wait on each other. Ids lock this balance's shards only.
    const count = shardCount(context, definition.scope);
    const refs = Array.from({ length: count }, (_, shard) =>
      context.collections.balances.doc(shardDocumentId(account, currency, shard)),
    );
    docs = (await options.tx.getAll(...refs)).filter((doc) => doc.exists);
  } else {
    // A query over the key, not N fixed ids: it sums every shard, whatever the shard count was.
    const query = context.collections.balances.where(
      'balance_key',
      '==',
      balanceKey(account, currency),
    );
    docs = (await query.get()).docs;
  }
  let debit = 0n;
  let credit = 0n;
  let postings = 0n;
  for (const doc of docs) {
    const d = storedInteger(doc.get('debit_micros') ?? 0);
    const c = storedInteger(doc.get('credit_micros') ?? 0);
    const n = storedInteger(doc.get('postings') ?? 0);
    if (d === undefined || c === undefined || n === undefined) {
      throw new LedgerError('balance_out_of_range', `shard ${doc.id} holds a non-integer total`);
    }
    debit += d;
    credit += c;
    postings += n;
  }
  const balance = definition.normal === 'credit' ? credit - debit : debit - credit;
  return {
    account,
    currency,
    normal: definition.normal,
    balance_micros: exact(balance, `balance of ${account} ${currency}`),
    debit_micros: exact(debit, `debits of ${account} ${currency}`),
    credit_micros: exact(credit, `credits of ${account} ${currency}`),
    postings: exact(postings, `postings of ${account} ${currency}`),
    shards_read: docs.length,
  };
}
