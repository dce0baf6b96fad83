import { decodeTransactionDocument } from '../transaction-document';
import { createBalanceTally } from './balance-tally';
import { createReversalTracker } from './reversal-tracker';
import type { ScannedDocument } from './scanned-document';
import { transactionViolations } from './transaction-rules';
import type { LedgerCheckReport, LedgerViolation } from './violations';

export type { ScannedDocument } from './scanned-document';

export type LedgerAuditReport = Omit<LedgerCheckReport, 'read_time' | 'duration_ms'>;

export interface LedgerAuditOptions {
  maxViolations: number;
}

/**
 * The check's verification, apart from Firestore. Fed every transaction (and every shard, in any
 * order), then the reversal claims and the originals in `pendingOriginals()`; each document is
 * looked at once. Memory grows with balances and reversals, not with transactions.
 */
export function createLedgerAudit(options: LedgerAuditOptions) {
  const violations: LedgerViolation[] = [];
  let violationCount = 0;
  let transactions = 0;
  let postings = 0;
  let reversals = 0;
  const violate = (violation: LedgerViolation) => {
    violationCount += 1;
    if (violations.length < options.maxViolations) violations.push(violation);
  };
  const tally = createBalanceTally(violate);
  const tracker = createReversalTracker(violate);

  function transaction(doc: ScannedDocument): void {
    transactions += 1;
    const decoded = decodeTransactionDocument(doc.data);
    if (!decoded.ok) {
      violate({ code: 'malformed_transaction', document: doc.path, detail: decoded.problem });
      return;
    }
    const t = decoded.value.transaction;
    postings += t.postings.length;
    if (t.kind === 'reversal') reversals += 1;
    for (const violation of transactionViolations(doc, decoded.value)) violate(violation);
    tracker.scanned(t);
    tally.addPostings(t.postings);
  }

  function report(): LedgerAuditReport {
    tracker.finish();
    const { accounts, balances } = tally.finish();
    return {
      ok: violationCount === 0,
      transactions,
      postings,
      accounts,
      balances,
      reversals,
      violation_count: violationCount,
      violations,
    };
  }

  return {
    transaction,
    balanceShard: tally.addShard,
    pendingOriginals: tracker.pendingOriginals,
    original: tracker.original,
    reversalClaim: tracker.claim,
    report,
  };
}

export type LedgerAudit = ReturnType<typeof createLedgerAudit>;
