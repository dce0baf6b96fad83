import type { Transaction } from '@google-cloud/firestore';
import { Rfc3339Utc } from '@gpuaas/contracts';
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { balanceDeltas } from './balance-deltas';
import { transactionDocumentId } from './document-ids';
import { LedgerError } from './errors';
import { mirrorPostings } from './fingerprint';
import { type LedgerContext, writeBalanceDeltas } from './ledger-context';
import { duplicatePosting, newPosting, type PreparedPosting } from './prepared-posting';
import { type LedgerTransaction, TransactionMetadata } from './schemas';
import { rfc3339Of, timestampOf } from './timestamps';
import { decodeTransactionDocument, transactionDocument } from './transaction-document';
import { assertTransactionId } from './validate-transaction';

export interface ReversalOptions {
  /** When the reversal takes effect; default now. Not part of its identity. */
  posted_at?: string;
  metadata?: TransactionMetadata;
}

const ReversalArguments = Type.Object({
  posted_at: Rfc3339Utc,
  metadata: Type.Optional(TransactionMetadata),
});
const checkArguments = TypeCompiler.Compile(ReversalArguments);

/** Reads the original, its reversal claim and the reversal id; refuses a second reversal. */
export async function prepareReversal(
  context: LedgerContext,
  tx: Transaction,
  originalId: string,
  reversalId: string,
  options: ReversalOptions = {},
): Promise<PreparedPosting> {
  const args = {
    posted_at: options.posted_at ?? new Date().toISOString(),
    ...(options.metadata ? { metadata: options.metadata } : {}),
  };
  assertTransactionId(originalId, '/original_id');
  assertTransactionId(reversalId, '/reversal_id');
  if (!checkArguments.Check(args)) {
    const first = checkArguments.Errors(args).First();
    throw new LedgerError('invalid_transaction', `${first?.path}: ${first?.message}`, first?.path);
  }
  const { transactions, reversals } = context.collections;
  const originalRef = transactions.doc(transactionDocumentId(originalId));
  const claimRef = reversals.doc(transactionDocumentId(originalId));
  const reversalRef = transactions.doc(transactionDocumentId(reversalId));
  const [original, claim, existing] = await tx.getAll(originalRef, claimRef, reversalRef);
  if (!original?.exists) {
    throw new LedgerError('transaction_not_found', `no transaction ${originalId} to reverse`);
  }
  const decoded = decodeTransactionDocument(original.data() ?? {});
  if (!decoded.ok) {
    throw new LedgerError('not_reversible', `${originalId} is malformed: ${decoded.problem}`);
  }
  if (decoded.value.transaction.kind === 'reversal') {
    throw new LedgerError('not_reversible', `${originalId} is itself a reversal`);
  }
  const reversal: LedgerTransaction = {
    transaction_id: reversalId,
    kind: 'reversal',
    postings: mirrorPostings(decoded.value.transaction.postings),
    posted_at: rfc3339Of(timestampOf(args.posted_at)),
    source: { type: 'ledger_transaction', id: originalId },
    ...(args.metadata ? { metadata: args.metadata } : {}),
  };
  const document = transactionDocument(reversal);
  if (existing?.exists) {
    if (existing.get('fingerprint') === document.fingerprint) return duplicatePosting(reversalId);
    throw new LedgerError(
      'transaction_conflict',
      `${reversalId} is already posted as another transaction`,
    );
  }
  if (claim?.exists) {
    throw new LedgerError(
      'already_reversed',
      `${originalId} was already reversed by ${String(claim.get('reversal_id'))}`,
    );
  }
  const deltas = balanceDeltas(reversal.postings);
  return newPosting(reversalId, () => {
    tx.create(reversalRef, { ...document });
    tx.create(claimRef, {
      original_id: originalId,
      reversal_id: reversalId,
      reversed_at: document.posted_at,
    });
    writeBalanceDeltas(context, tx, reversalId, deltas);
  });
}
