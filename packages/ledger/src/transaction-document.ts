import { Timestamp } from '@google-cloud/firestore';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { fingerprintOf } from './fingerprint';
import { safeNumber, storedInteger } from './integers';
import {
  type LedgerTransaction,
  Posting,
  type TransactionKind,
  TransactionKind as TransactionKindSchema,
  TransactionMetadata,
  TransactionSource,
} from './schemas';
import { rfc3339Of, timestampOf } from './timestamps';

/** The stored form of one transaction; created once, never updated. */
export interface TransactionDocument {
  transaction_id: string;
  kind: TransactionKind;
  postings: Posting[];
  /** Distinct accounts of the postings: an account's history is an array-contains query. */
  accounts: string[];
  currencies: string[];
  posted_at: Timestamp;
  source: TransactionSource | null;
  metadata: TransactionMetadata | null;
  /** sha256 of kind, source and canonical postings: duplicate detection and tamper evidence. */
  fingerprint: string;
}

export function transactionDocument(transaction: LedgerTransaction): TransactionDocument {
  return {
    transaction_id: transaction.transaction_id,
    kind: transaction.kind,
    postings: transaction.postings,
    accounts: [...new Set(transaction.postings.map((p) => p.account))],
    currencies: [...new Set(transaction.postings.map((p) => p.currency))],
    posted_at: timestampOf(transaction.posted_at),
    source: transaction.source ?? null,
    metadata: transaction.metadata ?? null,
    fingerprint: fingerprintOf(transaction),
  };
}

const checkPosting = TypeCompiler.Compile(Posting);
const checkKind = TypeCompiler.Compile(TransactionKindSchema);
const checkSource = TypeCompiler.Compile(TransactionSource);
const checkMetadata = TypeCompiler.Compile(TransactionMetadata);

export interface DecodedTransaction {
  transaction: LedgerTransaction;
  fingerprint: string;
  accounts: unknown;
}

/** A stored document read back, or why it is not a well-formed transaction document. */
export type DecodeResult = { ok: true; value: DecodedTransaction } | { ok: false; problem: string };

function decodePosting(raw: unknown): Posting | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const record = raw as Record<string, unknown>;
  const amount = storedInteger(record.amount_micros);
  const candidate = {
    ...record,
    amount_micros: amount === undefined ? record.amount_micros : safeNumber(amount),
  };
  return checkPosting.Check(candidate) ? candidate : undefined;
}

/** Reads the fields the ledger relies on; unknown or missing ones make it malformed. */
export function decodeTransactionDocument(data: Record<string, unknown>): DecodeResult {
  const { transaction_id, kind, postings, posted_at, source, metadata, fingerprint } = data;
  if (typeof transaction_id !== 'string' || transaction_id.length === 0) {
    return { ok: false, problem: 'transaction_id is not a non-empty string' };
  }
  if (!checkKind.Check(kind)) return { ok: false, problem: `unknown kind ${String(kind)}` };
  if (!Array.isArray(postings)) return { ok: false, problem: 'postings is not an array' };
  const decoded: Posting[] = [];
  for (const [index, raw] of postings.entries()) {
    const posting = decodePosting(raw);
    if (!posting) return { ok: false, problem: `postings[${index}] is not a valid posting` };
    decoded.push(posting);
  }
  if (!(posted_at instanceof Timestamp))
    return { ok: false, problem: 'posted_at is not a timestamp' };
  if (source !== null && source !== undefined && !checkSource.Check(source)) {
    return { ok: false, problem: 'source is not {type, id}' };
  }
  if (metadata !== null && metadata !== undefined && !checkMetadata.Check(metadata)) {
    return { ok: false, problem: 'metadata is not a string record' };
  }
  if (typeof fingerprint !== 'string') return { ok: false, problem: 'fingerprint is missing' };
  return {
    ok: true,
    value: {
      transaction: {
        transaction_id,
        kind,
        postings: decoded,
        posted_at: rfc3339Of(posted_at),
        ...(source ? { source: source as TransactionSource } : {}),
        ...(metadata ? { metadata: metadata as TransactionMetadata } : {}),
      },
      fingerprint,
      accounts: data.accounts,
    },
  };
}
