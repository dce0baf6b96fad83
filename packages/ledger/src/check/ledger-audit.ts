import { parseAccount } from '../accounts';
import { balanceKey, transactionDocumentId } from '../document-ids';
import { canonicalPostings, fingerprintOf, mirrorPostings } from '../fingerprint';
import { storedInteger } from '../integers';
import type { Posting } from '../schemas';
import { decodeTransactionDocument } from '../transaction-document';
import { imbalanceByCurrency } from '../validate-transaction';
import type { LedgerCheckReport, LedgerViolation } from './violations';

/** A document as the check scanned it. */
export interface ScannedDocument {
  id: string;
  path: string;
  data: Record<string, unknown>;
  /** updateTime differs from createTime. */
  edited: boolean;
}

interface Totals {
  account: string;
  currency: string;
  debit: bigint;
  credit: bigint;
  postings: bigint;
}

interface ExpectedReversal {
  reversalId: string;
  /** Canonical postings of the reversal mirrored back: what the original must hold. */
  originalPostings: string;
  matched: boolean;
  claimed: boolean;
}

export type LedgerAuditReport = Omit<LedgerCheckReport, 'read_time' | 'duration_ms'>;

export interface LedgerAuditOptions {
  maxViolations: number;
}

const postingsKey = (postings: readonly Posting[]): string =>
  JSON.stringify(canonicalPostings(postings));

/**
 * The check's verification, apart from Firestore: fed reversals first, then every transaction,
 * shard and claim in any order; each document is looked at once, with no further reads.
 */
export function createLedgerAudit(options: LedgerAuditOptions) {
  const violations: LedgerViolation[] = [];
  let violationCount = 0;
  let transactions = 0;
  let postings = 0;
  const expected = new Map<string, Totals>();
  const actual = new Map<string, Totals>();
  const reversalsByOriginal = new Map<string, ExpectedReversal>();
  let reversals = 0;

  const violate = (violation: LedgerViolation) => {
    violationCount += 1;
    if (violations.length < options.maxViolations) violations.push(violation);
  };

  const totalsFor = (map: Map<string, Totals>, account: string, currency: string): Totals => {
    const key = balanceKey(account, currency);
    let totals = map.get(key);
    if (!totals) {
      totals = { account, currency, debit: 0n, credit: 0n, postings: 0n };
      map.set(key, totals);
    }
    return totals;
  };

  /** Phase one: each reversal names its original, whose postings it must mirror. */
  function reversal(doc: ScannedDocument): void {
    const decoded = decodeTransactionDocument(doc.data);
    if (!decoded.ok) return; // reported when the same document is scanned as a transaction
    const { transaction } = decoded.value;
    const originalId =
      transaction.source?.type === 'ledger_transaction' ? transaction.source.id : undefined;
    if (originalId === undefined) return;
    reversals += 1;
    const previous = reversalsByOriginal.get(originalId);
    if (previous) {
      violate({
        code: 'reversed_twice',
        transaction_id: originalId,
        detail: `reversed by ${previous.reversalId} and by ${transaction.transaction_id}`,
      });
      return;
    }
    reversalsByOriginal.set(originalId, {
      reversalId: transaction.transaction_id,
      originalPostings: postingsKey(mirrorPostings(transaction.postings)),
      matched: false,
      claimed: false,
    });
  }

  function transaction(doc: ScannedDocument): void {
    transactions += 1;
    const decoded = decodeTransactionDocument(doc.data);
    if (!decoded.ok) {
      violate({ code: 'malformed_transaction', document: doc.path, detail: decoded.problem });
      return;
    }
    const { transaction: t, fingerprint, accounts } = decoded.value;
    const id = t.transaction_id;
    postings += t.postings.length;
    if (transactionDocumentId(id) !== doc.id) {
      violate({
        code: 'id_mismatch',
        transaction_id: id,
        document: doc.path,
        detail: `document id ${doc.id}`,
      });
    }
    if (doc.edited) {
      violate({
        code: 'transaction_edited',
        transaction_id: id,
        detail: 'updated after it was created',
      });
    }
    if (fingerprintOf(t) !== fingerprint) {
      violate({
        code: 'fingerprint_mismatch',
        transaction_id: id,
        detail: 'postings, kind or source changed',
      });
    }
    for (const [currency, net] of imbalanceByCurrency(t.postings)) {
      if (net !== 0n) {
        violate({
          code: 'unbalanced',
          transaction_id: id,
          currency,
          detail: `debits − credits = ${net}`,
        });
      }
    }
    const distinct = new Set(t.postings.map((p) => p.account));
    const listed = Array.isArray(accounts) ? accounts : [];
    if (listed.length !== distinct.size || !listed.every((a) => distinct.has(a as string))) {
      violate({
        code: 'accounts_mismatch',
        transaction_id: id,
        detail: `accounts ${JSON.stringify(accounts)}`,
      });
    }
    for (const account of distinct) {
      try {
        parseAccount(account);
      } catch (error) {
        violate({
          code: 'unknown_account',
          transaction_id: id,
          account,
          detail: String((error as Error).message),
        });
      }
    }
    if (t.kind === 'usage_charge' && (t.source?.type !== 'usage_event' || t.source.id !== id)) {
      violate({
        code: 'usage_source_mismatch',
        transaction_id: id,
        detail: `source ${JSON.stringify(t.source)}`,
      });
    }
    if ((t.kind === 'reversal') !== (t.source?.type === 'ledger_transaction')) {
      violate({
        code: 'reversal_mismatch',
        transaction_id: id,
        detail: 'a reversal has source ledger_transaction, and only a reversal',
      });
    }
    const reversed = reversalsByOriginal.get(id);
    if (reversed) {
      reversed.matched = true;
      if (t.kind === 'reversal') {
        violate({
          code: 'reversal_mismatch',
          transaction_id: reversed.reversalId,
          detail: `reverses ${id}, itself a reversal`,
        });
      } else if (postingsKey(t.postings) !== reversed.originalPostings) {
        violate({
          code: 'reversal_mismatch',
          transaction_id: reversed.reversalId,
          detail: `not the mirror image of ${id}`,
        });
      }
    }
    for (const p of t.postings) {
      const totals = totalsFor(expected, p.account, p.currency);
      if (p.direction === 'debit') totals.debit += BigInt(p.amount_micros);
      else totals.credit += BigInt(p.amount_micros);
      totals.postings += 1n;
    }
  }

  function balanceShard(doc: ScannedDocument): void {
    const { account, currency, balance_key } = doc.data;
    const debit = storedInteger(doc.data.debit_micros ?? 0);
    const credit = storedInteger(doc.data.credit_micros ?? 0);
    const count = storedInteger(doc.data.postings ?? 0);
    if (
      typeof account !== 'string' ||
      typeof currency !== 'string' ||
      balance_key !== balanceKey(account, currency) ||
      !doc.id.startsWith(`${balance_key}|`) ||
      debit === undefined ||
      credit === undefined ||
      count === undefined
    ) {
      violate({
        code: 'malformed_balance',
        document: doc.path,
        detail: 'key fields or integer totals missing',
      });
      return;
    }
    const totals = totalsFor(actual, account, currency);
    totals.debit += debit;
    totals.credit += credit;
    totals.postings += count;
  }

  function reversalClaim(doc: ScannedDocument): void {
    const { original_id, reversal_id } = doc.data;
    const entry =
      typeof original_id === 'string' ? reversalsByOriginal.get(original_id) : undefined;
    if (
      !entry ||
      entry.reversalId !== reversal_id ||
      transactionDocumentId(original_id as string) !== doc.id ||
      doc.edited
    ) {
      violate({
        code: 'reversal_claim_mismatch',
        document: doc.path,
        detail: `claims ${String(original_id)} reversed by ${String(reversal_id)}`,
      });
      return;
    }
    entry.claimed = true;
  }

  function report(): LedgerAuditReport {
    for (const [originalId, entry] of reversalsByOriginal) {
      if (!entry.matched) {
        violate({
          code: 'reversal_target_missing',
          transaction_id: entry.reversalId,
          detail: `reverses ${originalId}, which does not exist`,
        });
      }
      if (!entry.claimed) {
        violate({
          code: 'reversal_claim_mismatch',
          transaction_id: entry.reversalId,
          detail: `no reversal claim for ${originalId}`,
        });
      }
    }
    const accounts = new Set<string>();
    for (const key of new Set([...expected.keys(), ...actual.keys()])) {
      const want = expected.get(key);
      const have = actual.get(key);
      const account = (want ?? have)?.account ?? key;
      const currency = (want ?? have)?.currency;
      accounts.add(account);
      const zero = { debit: 0n, credit: 0n, postings: 0n };
      const w = want ?? zero;
      const h = have ?? zero;
      if (w.debit !== h.debit || w.credit !== h.credit || w.postings !== h.postings) {
        violate({
          code: 'balance_mismatch',
          account,
          ...(currency ? { currency } : {}),
          detail: `postings sum to debit ${w.debit}, credit ${w.credit} in ${w.postings} lines; shards hold debit ${h.debit}, credit ${h.credit} in ${h.postings}`,
        });
      }
    }
    return {
      ok: violationCount === 0,
      transactions,
      postings,
      accounts: accounts.size,
      balances: new Set([...expected.keys(), ...actual.keys()]).size,
      reversals,
      violation_count: violationCount,
      violations,
    };
  }

  return { reversal, transaction, balanceShard, reversalClaim, report };
}

export type LedgerAudit = ReturnType<typeof createLedgerAudit>;
