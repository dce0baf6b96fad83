import { TypeCompiler } from '@sinclair/typebox/compiler';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import { parseAccount } from './accounts';
import { LedgerError, type LedgerErrorReason } from './errors';
import {
  type LedgerTransaction,
  LedgerTransactionInput,
  type Posting,
  TransactionId,
} from './schemas';
import { rfc3339Of, timestampOf } from './timestamps';

const checkInput = TypeCompiler.Compile(LedgerTransactionInput);
const checkId = TypeCompiler.Compile(TransactionId);
// Firestore refuses these document ids; everything else is percent-encoded into a valid one.
const RESERVED_ID = /^(\.|\.\.|__.*__)$/;

function reasonOf(error: ValueError): LedgerErrorReason {
  if (/^\/postings\/\d+\/amount_micros$/.test(error.path)) return 'invalid_amount';
  if (/^\/postings\/\d+\/account$/.test(error.path)) return 'invalid_account';
  if (/^\/postings\/\d+\/currency$/.test(error.path)) return 'invalid_currency';
  if (error.path === '/postings' && error.type === ValueErrorType.ArrayMinItems) {
    return 'too_few_postings';
  }
  return 'invalid_transaction';
}

/** Throws `invalid_transaction` unless `id` can name a transaction (and so a document). */
export function assertTransactionId(
  id: unknown,
  pointer = '/transaction_id',
): asserts id is string {
  if (!checkId.Check(id) || RESERVED_ID.test(id)) {
    throw new LedgerError(
      'invalid_transaction',
      'a transaction id is 1-512 printable ASCII characters, not ".", ".." or "__…__"',
      pointer,
    );
  }
}

/** Per currency, Σ debits − Σ credits; BigInt so that many safe integers still add up exactly. */
export function imbalanceByCurrency(postings: readonly Posting[]): Map<string, bigint> {
  const net = new Map<string, bigint>();
  for (const p of postings) {
    const signed = p.direction === 'debit' ? BigInt(p.amount_micros) : -BigInt(p.amount_micros);
    net.set(p.currency, (net.get(p.currency) ?? 0n) + signed);
  }
  return net;
}

/** Throws `unbalanced` unless debits equal credits in every currency. */
export function assertBalanced(postings: readonly Posting[]): void {
  for (const [currency, net] of imbalanceByCurrency(postings)) {
    if (net !== 0n) {
      throw new LedgerError(
        'unbalanced',
        `${currency}: debits exceed credits by ${net} micros`,
        '/postings',
      );
    }
  }
}

/** Schema, chart of accounts, balance per currency and kind rules; returns the canonical form. */
export function validateTransaction(input: unknown): LedgerTransaction {
  if ((input as { kind?: unknown } | null)?.kind === 'reversal') {
    throw new LedgerError('reversal_requires_reverse', 'post a reversal with reverse()', '/kind');
  }
  if (!checkInput.Check(input)) {
    const first = checkInput.Errors(input).First();
    const pointer = first?.path ?? '';
    const reason = first ? reasonOf(first) : 'invalid_transaction';
    throw new LedgerError(reason, `${pointer || '/'}: ${first?.message ?? 'invalid'}`, pointer);
  }
  assertTransactionId(input.transaction_id);
  input.postings.forEach((posting, index) => {
    try {
      parseAccount(posting.account);
    } catch (error) {
      if (error instanceof LedgerError) {
        throw new LedgerError(error.reason, error.detail, `/postings/${index}/account`);
      }
      throw error;
    }
  });
  assertBalanced(input.postings);
  if (input.kind === 'usage_charge') {
    // The id is the usage event id, so a usage event can be charged only once (one document per id).
    if (input.source?.type !== 'usage_event' || input.source.id !== input.transaction_id) {
      throw new LedgerError(
        'invalid_source',
        'a usage_charge has source {type: "usage_event", id: <its transaction_id>}',
        '/source',
      );
    }
  }
  if (input.source?.type === 'ledger_transaction') {
    throw new LedgerError(
      'reversal_requires_reverse',
      'source type ledger_transaction is kept for reversals',
      '/source/type',
    );
  }
  return {
    transaction_id: input.transaction_id,
    kind: input.kind,
    postings: input.postings.map((p) => ({
      account: p.account,
      direction: p.direction,
      amount_micros: p.amount_micros,
      currency: p.currency,
    })),
    posted_at: rfc3339Of(timestampOf(input.posted_at)),
    ...(input.source ? { source: { type: input.source.type, id: input.source.id } } : {}),
    ...(input.metadata ? { metadata: { ...input.metadata } } : {}),
  };
}
