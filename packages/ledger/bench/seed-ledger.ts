// Seeds a ledger on the emulator with the documents `post` would write, fast enough for benches.
import type { Firestore } from '@google-cloud/firestore';
import { parseAccount } from '../src/accounts';
import { balanceDeltas } from '../src/balance-deltas';
import { ledgerCollections } from '../src/collections';
import {
  balanceKey,
  shardDocumentId,
  shardIndex,
  transactionDocumentId,
} from '../src/document-ids';
import { mirrorPostings } from '../src/fingerprint';
import { DEFAULT_SHARDS } from '../src/ledger-context';
import type { LedgerTransaction } from '../src/schemas';
import { transactionDocument } from '../src/transaction-document';
import { validateTransaction } from '../src/validate-transaction';

const USERS = 1_000;
const BATCH = 500;
const PARALLEL_BATCHES = 4;

/** Every 10th transaction a Stripe top-up, the rest usage charges, every 500th charge reversed. */
function* transactions(count: number): Generator<LedgerTransaction> {
  const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  let n = 0;
  for (let i = 0; n < count; i++) {
    const user = `user-${i % USERS}`;
    if (i % 10 === 0) {
      n += 1;
      yield validateTransaction({
        transaction_id: `evt_${i}`,
        kind: 'credit',
        posted_at: at(i),
        source: { type: 'stripe_event', id: `evt_${i}` },
        postings: [
          {
            account: 'stripe_clearing',
            direction: 'debit',
            amount_micros: 50_000_000,
            currency: 'USD',
          },
          {
            account: `customer_credit:${user}`,
            direction: 'credit',
            amount_micros: 50_000_000,
            currency: 'USD',
          },
        ],
      });
      continue;
    }
    const id = `alloc-${i % 97}:${at(i)}`;
    const charge = validateTransaction({
      transaction_id: id,
      kind: 'usage_charge',
      posted_at: at(i),
      source: { type: 'usage_event', id },
      postings: [
        {
          account: `customer_credit:${user}`,
          direction: 'debit',
          amount_micros: 1_000 + (i % 9_000),
          currency: 'USD',
        },
        {
          account: 'revenue:gpu',
          direction: 'credit',
          amount_micros: 1_000 + (i % 9_000),
          currency: 'USD',
        },
      ],
    });
    n += 1;
    yield charge;
    if (i % 500 === 1 && n < count) {
      n += 1;
      yield {
        transaction_id: `rev:${id}`,
        kind: 'reversal',
        posted_at: at(i + 1),
        source: { type: 'ledger_transaction', id },
        postings: mirrorPostings(charge.postings),
      };
    }
  }
}

interface ShardTotals {
  balance_key: string;
  account: string;
  currency: string;
  shard: number;
  debit_micros: number;
  credit_micros: number;
  postings: number;
}

/**
 * Writes the documents `post` would write, in batched writes (one transaction per posting would
 * take minutes here). Shard totals are summed in memory and written once, as the increments
 * would have left them; the check then proves they agree.
 */
export async function seedLedger(firestore: Firestore, transactionCount: number): Promise<number> {
  const collections = ledgerCollections(firestore);
  const shards = new Map<string, ShardTotals>();
  let batch = firestore.batch();
  let inBatch = 0;
  let postings = 0;
  const pending: Promise<unknown>[] = [];
  const flush = async () => {
    pending.push(batch.commit());
    batch = firestore.batch();
    inBatch = 0;
    if (pending.length >= PARALLEL_BATCHES) await Promise.all(pending.splice(0));
  };
  for (const t of transactions(transactionCount)) {
    const document = transactionDocument(t);
    batch.create(collections.transactions.doc(transactionDocumentId(t.transaction_id)), {
      ...document,
    });
    inBatch += 1;
    if (t.kind === 'reversal' && t.source) {
      batch.create(collections.reversals.doc(transactionDocumentId(t.source.id)), {
        original_id: t.source.id,
        reversal_id: t.transaction_id,
        reversed_at: document.posted_at,
      });
      inBatch += 1;
    }
    for (const delta of balanceDeltas(t.postings)) {
      const scope = parseAccount(delta.account).definition.scope;
      const shard = shardIndex(t.transaction_id, DEFAULT_SHARDS[scope]);
      const id = shardDocumentId(delta.account, delta.currency, shard);
      const totals = shards.get(id) ?? {
        balance_key: balanceKey(delta.account, delta.currency),
        account: delta.account,
        currency: delta.currency,
        shard,
        debit_micros: 0,
        credit_micros: 0,
        postings: 0,
      };
      totals.debit_micros += delta.debit_micros;
      totals.credit_micros += delta.credit_micros;
      totals.postings += delta.postings;
      shards.set(id, totals);
    }
    postings += t.postings.length;
    if (inBatch >= BATCH - 1) await flush();
  }
  for (const [id, totals] of shards) {
    batch.set(collections.balances.doc(id), { ...totals });
    inBatch += 1;
    if (inBatch >= BATCH) await flush();
  }
  await flush();
  await Promise.all(pending);
  return postings;
}
