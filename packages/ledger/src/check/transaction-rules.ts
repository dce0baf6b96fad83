import { parseAccount } from '../accounts';
import { transactionDocumentId } from '../document-ids';
import { fingerprintOf } from '../fingerprint';
import type { DecodedTransaction } from '../transaction-document';
import { imbalanceByCurrency } from '../validate-transaction';
import type { ScannedDocument } from './scanned-document';
import type { LedgerViolation } from './violations';

/** What one well-formed transaction document must satisfy on its own. */
export function transactionViolations(
  doc: ScannedDocument,
  decoded: DecodedTransaction,
): LedgerViolation[] {
  const { transaction: t, fingerprint, accounts } = decoded;
  const id = t.transaction_id;
  const found: LedgerViolation[] = [];
  const add = (
    code: LedgerViolation['code'],
    detail: string,
    extra: Partial<LedgerViolation> = {},
  ) => found.push({ code, transaction_id: id, detail, ...extra });

  // With the usage rule below, this is what makes a usage event chargeable only once.
  if (transactionDocumentId(id) !== doc.id) {
    add('id_mismatch', `document id ${doc.id}`, { document: doc.path });
  }
  if (doc.edited) add('transaction_edited', 'updated after it was created');
  if (fingerprintOf(t) !== fingerprint)
    add('fingerprint_mismatch', 'postings, kind or source changed');
  for (const [currency, net] of imbalanceByCurrency(t.postings)) {
    if (net !== 0n) add('unbalanced', `debits − credits = ${net}`, { currency });
  }
  const distinct = new Set(t.postings.map((p) => p.account));
  const listed = Array.isArray(accounts) ? accounts : [];
  if (listed.length !== distinct.size || !listed.every((a) => distinct.has(a as string))) {
    add('accounts_mismatch', `accounts ${JSON.stringify(accounts)}`);
  }
  for (const account of distinct) {
    try {
      parseAccount(account);
    } catch (error) {
      add('unknown_account', (error as Error).message, { account });
    }
  }
  if (t.kind === 'usage_charge' && (t.source?.type !== 'usage_event' || t.source.id !== id)) {
    add('usage_source_mismatch', `source ${JSON.stringify(t.source)}`);
  }
  if ((t.kind === 'reversal') !== (t.source?.type === 'ledger_transaction')) {
    add('reversal_mismatch', 'a reversal has source ledger_transaction, and only a reversal');
  }
  return found;
}
