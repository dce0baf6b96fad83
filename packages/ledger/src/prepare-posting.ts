import type { Transaction } from '@google-cloud/firestore';
import { balanceDeltas } from './balance-deltas';
import { transactionDocumentId } from './document-ids';
import { LedgerError } from './errors';
import { type LedgerContext, writeBalanceDeltas } from './ledger-context';
import { duplicatePosting, newPosting, type PreparedPosting } from './prepared-posting';
import { transactionDocument } from './transaction-document';
import { validateTransaction } from './validate-transaction';

/** Validates, then reads the transaction document: a duplicate, a conflict, or new. */
export async function preparePosting(
  context: LedgerContext,
  tx: Transaction,
  input: unknown,
): Promise<PreparedPosting> {
  const transaction = validateTransaction(input);
  const deltas = balanceDeltas(transaction.postings);
  const document = transactionDocument(transaction);
  const id = transaction.transaction_id;
  const ref = context.collections.transactions.doc(transactionDocumentId(id));
  const existing = await tx.get(ref);
  if (existing.exists) {
    if (existing.get('fingerprint') === document.fingerprint) return duplicatePosting(id);
    throw new LedgerError(
      'transaction_conflict',
      `${id} is already posted with other postings, kind or source`,
    );
  }
  return newPosting(id, () => {
    // create: if the id appeared since the read, the commit fails instead of overwriting.
    tx.create(ref, { ...document });
    writeBalanceDeltas(context, tx, id, deltas);
  });
}
