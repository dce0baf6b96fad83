import type { Firestore, Transaction } from '@google-cloud/firestore';
import { type AccountTotals, type ReadOptions, readAccountTotals } from './account-totals';
import { customerCreditAccount } from './accounts';
import { type CheckLedgerOptions, checkLedger } from './check/check-ledger';
import type { LedgerCheckReport } from './check/violations';
import { collectionNames, type LedgerCollectionNames } from './collections';
import { transactionDocumentId } from './document-ids';
import { LedgerError } from './errors';
import { type LedgerShards, ledgerContext } from './ledger-context';
import { type ListPostingsOptions, listAccountPostings, type PostingPage } from './list-postings';
import { preparePosting } from './prepare-posting';
import { prepareReversal, type ReversalOptions } from './prepare-reversal';
import type { PostResult, PreparedPosting } from './prepared-posting';
import type { LedgerTransaction, LedgerTransactionInput } from './schemas';
import { decodeTransactionDocument } from './transaction-document';
import { assertTransactionId } from './validate-transaction';

export interface LedgerOptions {
  firestore: Firestore;
  /** Prefix of the ledger's collections; default `ledger_`. Every writer and reader must agree. */
  collectionPrefix?: string;
  shards?: LedgerShards;
}

export interface Ledger {
  readonly collections: LedgerCollectionNames;
  /** Reads (validate, then the transaction document); call `write()` before the caller's writes. */
  prepare(tx: Transaction, input: LedgerTransactionInput): Promise<PreparedPosting>;
  /** prepare + write: the caller must have finished its own reads in `tx`. */
  post(tx: Transaction, input: LedgerTransactionInput): Promise<PostResult>;
  prepareReversal(
    tx: Transaction,
    originalId: string,
    reversalId: string,
    options?: ReversalOptions,
  ): Promise<PreparedPosting>;
  /** Posts the mirror image of `originalId` as `reversalId`; a second reversal is refused. */
  reverse(
    tx: Transaction,
    originalId: string,
    reversalId: string,
    options?: ReversalOptions,
  ): Promise<PostResult>;
  /** The account's balance on its normal side, in micros. */
  balance(account: string, currency: string, options?: ReadOptions): Promise<number>;
  totals(account: string, currency: string, options?: ReadOptions): Promise<AccountTotals>;
  /** What `user` can spend (credits − debits of `customer_credit:<user>`); negative when overdrawn. */
  userBalance(userId: string, currency: string, options?: ReadOptions): Promise<number>;
  getTransaction(
    transactionId: string,
    options?: ReadOptions,
  ): Promise<LedgerTransaction | undefined>;
  listPostings(account: string, options?: ListPostingsOptions): Promise<PostingPage>;
  check(
    options?: Omit<CheckLedgerOptions, 'firestore' | 'collectionPrefix'>,
  ): Promise<LedgerCheckReport>;
}

export function createLedger(options: LedgerOptions): Ledger {
  const context = ledgerContext(options.firestore, options.collectionPrefix, options.shards);
  const totals = (account: string, currency: string, read?: ReadOptions) =>
    readAccountTotals(context, account, currency, read);
  return {
    collections: collectionNames(options.collectionPrefix),
    prepare: (tx, input) => preparePosting(context, tx, input),
    async post(tx, input) {
      const prepared = await preparePosting(context, tx, input);
      return prepared.write();
    },
    prepareReversal: (tx, originalId, reversalId, reversal) =>
      prepareReversal(context, tx, originalId, reversalId, reversal),
    async reverse(tx, originalId, reversalId, reversal) {
      const prepared = await prepareReversal(context, tx, originalId, reversalId, reversal);
      return prepared.write();
    },
    totals,
    balance: async (account, currency, read) =>
      (await totals(account, currency, read)).balance_micros,
    userBalance: async (userId, currency, read) =>
      (await totals(customerCreditAccount(userId), currency, read)).balance_micros,
    async getTransaction(transactionId, read = {}) {
      assertTransactionId(transactionId);
      const ref = context.collections.transactions.doc(transactionDocumentId(transactionId));
      const snapshot = read.tx ? await read.tx.get(ref) : await ref.get();
      if (!snapshot.exists) return undefined;
      const decoded = decodeTransactionDocument(snapshot.data() ?? {});
      if (!decoded.ok) {
        throw new LedgerError('invalid_transaction', `stored ${transactionId}: ${decoded.problem}`);
      }
      return decoded.value.transaction;
    },
    listPostings: (account, list) => listAccountPostings(context, account, list),
    check: (check) =>
      checkLedger({
        ...check,
        firestore: options.firestore,
        ...(options.collectionPrefix !== undefined
          ? { collectionPrefix: options.collectionPrefix }
          : {}),
      }),
  };
}
