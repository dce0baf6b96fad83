import { parseAccount } from '../accounts';
import { balanceKey, transactionDocumentId } from '../document-ids';
import { canonicalPostings, fingerprintOf, mirrorPostings } from '../fingerprint';
import { storedInteger } from '../integers';
import type { LedgerTransaction, Posting } from '../schemas';
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

/** The reversals the scan met for one original, and what it learnt of that original. */
interface ReversedOriginal {
  /** Each reversal's id and canonical postings mirrored back: what the original must hold. */
  reversals: Array<{ id: string; mirrored: string }>;
  /** The original was seen (in the scan or by a read after it). */
  resolved: boolean;
  claimed: boolean;
}

export type LedgerAuditReport = Omit<LedgerCheckReport, 'read_time' | 'duration_ms'>;

export interface LedgerAuditOptions {
  maxViolations: number;
}

const postingsKey = (postings: readonly Posting[]): string =>
  JSON.stringify(canonicalPostings(postings));

/**
 * The check's verification, apart from Firestore. Fed every transaction (and shard, in any order),
 * then the reversal claims and the originals of reversals the scan passed before meeting their
 * reversal (`pendingOriginals`: a read per reversal, never per transaction). Memory grows with
 * balances and reversals, not with transactions.
 */
export function createLedgerAudit(options: LedgerAuditOptions) {
  const violations: LedgerViolation[] = [];
  let violationCount = 0;
  let transactions = 0;
  let postings = 0;
  const expected = new Map<string, Totals>();
  const actual = new Map<string, Totals>();
  const reversed = new Map<string, ReversedOriginal>();
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

  function noteReversal(id: string, postings: readonly Posting[], originalId: string): void {
    const entry = reversed.get(originalId) ?? { reversals: [], resolved: false, claimed: false };
    entry.reversals.push({ id, mirrored: postingsKey(mirrorPostings(postings)) });
    reversed.set(originalId, entry);
    if (entry.reversals.length > 1) {
      violate({
        code: 'reversed_twice',
        transaction_id: originalId,
        detail: `reversed by ${entry.reversals.map((r) => r.id).join(' and ')}`,
      });
    }
  }

  function resolveOriginal(originalId: string, original: LedgerTransaction): void {
    const entry = reversed.get(originalId);
    if (!entry || entry.resolved) return;
    entry.resolved = true;
    const key = postingsKey(original.postings);
    for (const r of entry.reversals) {
      if (original.kind === 'reversal') {
        violate({
          code: 'reversal_mismatch',
          transaction_id: r.id,
          detail: `reverses ${originalId}, itself a reversal`,
        });
      } else if (r.mirrored !== key) {
        violate({
          code: 'reversal_mismatch',
          transaction_id: r.id,
          detail: `not the mirror image of ${originalId}`,
        });
      }
    }
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
    if (t.kind === 'reversal') {
      reversals += 1;
      if (t.source?.type === 'ledger_transaction') noteReversal(id, t.postings, t.source.id);
    }
    resolveOriginal(id, t);
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

  /** After the scan: originals it passed before it met their reversal, to be read by id. */
  function pendingOriginals(): string[] {
    return [...reversed].filter(([, entry]) => !entry.resolved).map(([id]) => id);
  }

  /** A pending original as read at the check's snapshot; undefined when it does not exist. */
  function original(originalId: string, data: Record<string, unknown> | undefined): void {
    const entry = reversed.get(originalId);
    if (!entry || entry.resolved) return;
    const decoded = data ? decodeTransactionDocument(data) : undefined;
    if (decoded?.ok) {
      resolveOriginal(originalId, decoded.value.transaction);
      return;
    }
    // A malformed original is reported by the scan; here it only cannot be matched.
    entry.resolved = true;
    if (!data) {
      for (const r of entry.reversals) {
        violate({
          code: 'reversal_target_missing',
          transaction_id: r.id,
          detail: `reverses ${originalId}, which does not exist`,
        });
      }
    }
  }

  /** After the scan: each claim names an original and its one reversal. */
  function reversalClaim(doc: ScannedDocument): void {
    const { original_id, reversal_id } = doc.data;
    const entry = typeof original_id === 'string' ? reversed.get(original_id) : undefined;
    if (
      !entry?.reversals.some((r) => r.id === reversal_id) ||
      transactionDocumentId(original_id as string) !== doc.id ||
      doc.edited
    ) {
      violate({
        code: 'reversal_claim_mismatch',
        document: doc.path,
        detail: `claims ${String(original_id)} reversed by ${String(reversal_id)}, which the transactions do not show`,
      });
      return;
    }
    entry.claimed = true;
  }

  function report(): LedgerAuditReport {
    for (const [originalId, entry] of reversed) {
      if (!entry.resolved) {
        violate({
          code: 'reversal_target_missing',
          transaction_id: entry.reversals[0]?.id ?? originalId,
          detail: `reverses ${originalId}, which was never read`,
        });
      }
      if (!entry.claimed) {
        violate({
          code: 'reversal_claim_mismatch',
          transaction_id: originalId,
          detail: `reversed by ${entry.reversals.map((r) => r.id).join(', ')} without a claim`,
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

  return { transaction, balanceShard, pendingOriginals, original, reversalClaim, report };
}

export type LedgerAudit = ReturnType<typeof createLedgerAudit>;
