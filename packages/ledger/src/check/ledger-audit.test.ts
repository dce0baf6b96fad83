import { describe, expect, it } from 'vitest';
import { balanceDeltas } from '../balance-deltas';
import { balanceKey, transactionDocumentId } from '../document-ids';
import { mirrorPostings } from '../fingerprint';
import type { LedgerTransaction } from '../schemas';
import { transactionDocument } from '../transaction-document';
import { createLedgerAudit, type ScannedDocument } from './ledger-audit';

const charge: LedgerTransaction = {
  transaction_id: 'a1:t0',
  kind: 'usage_charge',
  posted_at: '2026-01-01T00:00:00Z',
  source: { type: 'usage_event', id: 'a1:t0' },
  postings: [
    { account: 'customer_credit:u1', direction: 'debit', amount_micros: 700, currency: 'USD' },
    { account: 'revenue:gpu', direction: 'credit', amount_micros: 700, currency: 'USD' },
  ],
};

const reversalOf = (original: LedgerTransaction, id: string): LedgerTransaction => ({
  transaction_id: id,
  kind: 'reversal',
  posted_at: '2026-01-01T01:00:00Z',
  source: { type: 'ledger_transaction', id: original.transaction_id },
  postings: mirrorPostings(original.postings),
});

const txDoc = (t: LedgerTransaction, overrides: Record<string, unknown> = {}): ScannedDocument => ({
  id: transactionDocumentId(t.transaction_id),
  path: `ledger_transactions/${transactionDocumentId(t.transaction_id)}`,
  data: { ...transactionDocument(t), ...overrides },
  edited: false,
});

/** Shard documents exactly as the postings of `transactions` would have left them (one shard). */
function shardDocs(transactions: LedgerTransaction[]): ScannedDocument[] {
  const totals = new Map<string, Record<string, unknown>>();
  for (const t of transactions) {
    for (const d of balanceDeltas(t.postings)) {
      const key = balanceKey(d.account, d.currency);
      const doc = totals.get(key) ?? {
        balance_key: key,
        account: d.account,
        currency: d.currency,
        debit_micros: 0,
        credit_micros: 0,
        postings: 0,
      };
      doc.debit_micros = (doc.debit_micros as number) + d.debit_micros;
      doc.credit_micros = (doc.credit_micros as number) + d.credit_micros;
      doc.postings = (doc.postings as number) + d.postings;
      totals.set(key, doc);
    }
  }
  return [...totals].map(([key, data]) => ({
    id: `${key}|0`,
    path: `b/${key}|0`,
    data,
    edited: false,
  }));
}

const claimDoc = (originalId: string, reversalId: string): ScannedDocument => ({
  id: transactionDocumentId(originalId),
  path: `ledger_reversals/${transactionDocumentId(originalId)}`,
  data: { original_id: originalId, reversal_id: reversalId },
  edited: false,
});

function audit(options: {
  transactions: ScannedDocument[];
  shards: ScannedDocument[];
  claims?: ScannedDocument[];
}) {
  const a = createLedgerAudit({ maxViolations: 10 });
  for (const doc of options.transactions) a.transaction(doc);
  for (const doc of options.shards) a.balanceShard(doc);
  for (const doc of options.claims ?? []) a.reversalClaim(doc);
  // What the check reads by id after the scan: originals passed before their reversal.
  for (const id of a.pendingOriginals()) {
    a.original(id, options.transactions.find((d) => d.data.transaction_id === id)?.data);
  }
  const report = a.report();
  return { report, codes: report.violations.map((v) => v.code).sort() };
}

describe('ledger audit', () => {
  it('passes a charge, its reversal and matching shards', () => {
    const reversal = reversalOf(charge, 'r1');
    const { report } = audit({
      transactions: [txDoc(reversal), txDoc(charge)],
      shards: shardDocs([charge, reversal]),
      claims: [claimDoc('a1:t0', 'r1')],
    });
    expect(report).toMatchObject({
      ok: true,
      transactions: 2,
      postings: 4,
      reversals: 1,
      balances: 2,
    });
  });

  it('matches a reversal whichever of the two the scan meets first', () => {
    const reversal = reversalOf(charge, 'r1');
    for (const order of [
      [txDoc(charge), txDoc(reversal)],
      [txDoc(reversal), txDoc(charge)],
    ]) {
      const a = createLedgerAudit({ maxViolations: 10 });
      for (const doc of order) a.transaction(doc);
      const pending = a.pendingOriginals();
      expect(pending).toEqual(order[0]?.data.kind === 'reversal' ? [] : ['a1:t0']);
      for (const id of pending) a.original(id, txDoc(charge).data);
      a.reversalClaim(claimDoc('a1:t0', 'r1'));
      for (const shard of shardDocs([charge, reversal])) a.balanceShard(shard);
      expect(a.report().violations).toEqual([]);
    }
  });

  it('finds a usage charge not keyed by its usage event', () => {
    const other = { ...charge, transaction_id: 'a1:t0#2' };
    const { codes } = audit({
      transactions: [txDoc(charge), txDoc(other)],
      shards: shardDocs([charge, other]),
    });
    expect(codes).toEqual(['usage_source_mismatch']);
  });

  it('finds a reversal that is not a mirror image', () => {
    const reversal = { ...reversalOf(charge, 'r1'), postings: charge.postings };
    const { codes } = audit({
      transactions: [txDoc(charge), txDoc(reversal)],
      shards: shardDocs([charge, reversal]),
      claims: [claimDoc('a1:t0', 'r1')],
    });
    expect(codes).toEqual(['reversal_mismatch']);
  });

  it('finds a second reversal, a reversal of nothing and a stray claim', () => {
    const r1 = reversalOf(charge, 'r1');
    const r2 = reversalOf(charge, 'r2');
    const ghost = reversalOf({ ...charge, transaction_id: 'ghost' }, 'r3');
    const { codes } = audit({
      transactions: [txDoc(charge), txDoc(r1), txDoc(r2), txDoc(ghost)],
      shards: shardDocs([charge, r1, r2, ghost]),
      claims: [claimDoc('a1:t0', 'r1'), claimDoc('ghost', 'r3'), claimDoc('other', 'r9')],
    });
    expect(codes).toEqual(['reversal_claim_mismatch', 'reversal_target_missing', 'reversed_twice']);
  });

  it('finds a moved document, a wrong accounts field and a malformed one', () => {
    const moved = { ...txDoc(charge), id: 'elsewhere' };
    const accounts = txDoc(
      { ...charge, transaction_id: 'a1:t1', source: { type: 'usage_event', id: 'a1:t1' } },
      {
        accounts: ['revenue:gpu'],
      },
    );
    const malformed: ScannedDocument = {
      id: 'm',
      path: 'ledger_transactions/m',
      data: { kind: 'credit' },
      edited: false,
    };
    const { codes } = audit({
      transactions: [moved, accounts, malformed],
      shards: shardDocs([charge, { ...charge, transaction_id: 'a1:t1' }]),
    });
    expect(codes).toEqual(['accounts_mismatch', 'id_mismatch', 'malformed_transaction']);
  });

  it('finds shards that are malformed, missing or extra', () => {
    const [first] = shardDocs([charge]);
    if (!first) throw new Error('expected a shard');
    const [extra] = shardDocs([
      {
        ...charge,
        transaction_id: 'x',
        postings: charge.postings.map((p) => ({ ...p, currency: 'EUR' })),
      },
    ]);
    if (!extra) throw new Error('expected a shard');
    const { codes, report } = audit({
      transactions: [txDoc(charge)],
      // customer_credit:u1 USD malformed, revenue:gpu USD missing, customer_credit:u1 EUR extra
      shards: [{ ...first, data: { ...first.data, debit_micros: 1.5 } }, extra],
    });
    expect(codes).toEqual([
      'balance_mismatch',
      'balance_mismatch',
      'balance_mismatch',
      'malformed_balance',
    ]);
    expect(
      report.violations
        .filter((v) => v.code === 'balance_mismatch')
        .map((v) => `${v.account} ${v.currency}`)
        .sort(),
    ).toEqual(['customer_credit:u1 EUR', 'customer_credit:u1 USD', 'revenue:gpu USD']);
    expect(report.violation_count).toBe(4);
  });

  it('lists at most maxViolations but counts them all', () => {
    const a = createLedgerAudit({ maxViolations: 2 });
    for (let i = 0; i < 5; i++)
      a.transaction({ id: `m${i}`, path: `t/m${i}`, data: {}, edited: false });
    const report = a.report();
    expect([report.violations.length, report.violation_count, report.ok]).toEqual([2, 5, false]);
  });
});
