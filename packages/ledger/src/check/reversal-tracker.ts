import { transactionDocumentId } from '../document-ids';
import { canonicalPostings, mirrorPostings } from '../fingerprint';
import type { LedgerTransaction, Posting } from '../schemas';
import { decodeTransactionDocument } from '../transaction-document';
import type { ScannedDocument } from './scanned-document';
import type { LedgerViolation } from './violations';

/** The reversals the scan met for one original, and what it learnt of that original. */
interface ReversedOriginal {
  /** Each reversal's id and canonical postings mirrored back: what the original must hold. */
  reversals: Array<{ id: string; mirrored: string }>;
  /** The original was seen (in the scan or by a read after it). */
  resolved: boolean;
  claimed: boolean;
}

const postingsKey = (postings: readonly Posting[]): string =>
  JSON.stringify(canonicalPostings(postings));

/**
 * Matches reversals with their originals and claims in one pass over the transactions: the
 * originals the scan passed before it met their reversal are read by id afterwards
 * (`pendingOriginals`), one read per reversal. Memory grows with reversals only.
 */
export function createReversalTracker(violate: (violation: LedgerViolation) => void) {
  const reversed = new Map<string, ReversedOriginal>();

  function resolve(originalId: string, original: LedgerTransaction): void {
    const entry = reversed.get(originalId);
    if (!entry || entry.resolved) return;
    entry.resolved = true;
    const key = postingsKey(original.postings);
    for (const r of entry.reversals) {
      if (original.kind === 'reversal' || r.mirrored !== key) {
        violate({
          code: 'reversal_mismatch',
          transaction_id: r.id,
          detail:
            original.kind === 'reversal'
              ? `reverses ${originalId}, itself a reversal`
              : `not the mirror image of ${originalId}`,
        });
      }
    }
  }

  /** Every scanned transaction: notes a reversal, or resolves an original already noted. */
  function scanned(t: LedgerTransaction): void {
    if (t.kind === 'reversal' && t.source?.type === 'ledger_transaction') {
      const originalId = t.source.id;
      const entry = reversed.get(originalId) ?? { reversals: [], resolved: false, claimed: false };
      entry.reversals.push({
        id: t.transaction_id,
        mirrored: postingsKey(mirrorPostings(t.postings)),
      });
      reversed.set(originalId, entry);
      if (entry.reversals.length > 1) {
        violate({
          code: 'reversed_twice',
          transaction_id: originalId,
          detail: `reversed by ${entry.reversals.map((r) => r.id).join(' and ')}`,
        });
      }
    }
    resolve(t.transaction_id, t);
  }

  const pendingOriginals = (): string[] =>
    [...reversed].filter(([, entry]) => !entry.resolved).map(([id]) => id);

  /** A pending original as read at the check's snapshot; undefined when it does not exist. */
  function original(originalId: string, data: Record<string, unknown> | undefined): void {
    const entry = reversed.get(originalId);
    if (!entry || entry.resolved) return;
    const decoded = data ? decodeTransactionDocument(data) : undefined;
    if (decoded?.ok) {
      resolve(originalId, decoded.value.transaction);
      return;
    }
    // A malformed original is reported by the scan; here it only cannot be matched.
    entry.resolved = true;
    if (data) return;
    for (const r of entry.reversals) {
      violate({
        code: 'reversal_target_missing',
        transaction_id: r.id,
        detail: `reverses ${originalId}, which does not exist`,
      });
    }
  }

  /** After the scan: each claim names an original and its one reversal. */
  function claim(doc: ScannedDocument): void {
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

  function finish(): void {
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
  }

  return { scanned, pendingOriginals, original, claim, finish };
}
