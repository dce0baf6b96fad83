import type { Firestore, Transaction } from '@google-cloud/firestore';
import { firestoreClient, uniqueProjectId } from '@gpuaas/testkit';
import {
  createLedger,
  type Ledger,
  type LedgerOptions,
  type LedgerTransactionInput,
} from '../src/index';

export interface Harness {
  projectId: string;
  firestore: Firestore;
  ledger: Ledger;
  /** Runs `fn` in its own Firestore transaction, counting attempts (ABORTED retries included). */
  inTransaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<{ result: T; attempts: number }>;
  close(): Promise<void>;
}

export function startHarness(options: Omit<LedgerOptions, 'firestore'> = {}): Harness {
  const projectId = uniqueProjectId('ledger');
  const firestore = firestoreClient(projectId);
  const ledger = createLedger({ firestore, ...options });
  return {
    projectId,
    firestore,
    ledger,
    async inTransaction(fn) {
      let attempts = 0;
      const result = await firestore.runTransaction(
        (tx) => {
          attempts += 1;
          return fn(tx);
        },
        { maxAttempts: 20 },
      );
      return { result, attempts };
    },
    close: () => firestore.terminate(),
  };
}

const POSTED_AT = '2026-05-01T12:00:00Z';

/** What the billing worker posts for one rated usage interval. */
export function usageCharge(
  userId: string,
  usageEventId: string,
  amountMicros: number,
  currency = 'USD',
  postedAt = POSTED_AT,
): LedgerTransactionInput {
  return {
    transaction_id: usageEventId,
    kind: 'usage_charge',
    posted_at: postedAt,
    source: { type: 'usage_event', id: usageEventId },
    postings: [
      {
        account: `customer_credit:${userId}`,
        direction: 'debit',
        amount_micros: amountMicros,
        currency,
      },
      { account: 'revenue:gpu', direction: 'credit', amount_micros: amountMicros, currency },
    ],
  };
}

/** What payments posts for one paid Stripe checkout. */
export function stripeCredit(
  userId: string,
  stripeEventId: string,
  amountMicros: number,
  currency = 'USD',
  postedAt = POSTED_AT,
): LedgerTransactionInput {
  return {
    transaction_id: stripeEventId,
    kind: 'credit',
    posted_at: postedAt,
    source: { type: 'stripe_event', id: stripeEventId },
    postings: [
      { account: 'stripe_clearing', direction: 'debit', amount_micros: amountMicros, currency },
      {
        account: `customer_credit:${userId}`,
        direction: 'credit',
        amount_micros: amountMicros,
        currency,
      },
    ],
  };
}
