import { Currency, Rfc3339Utc, StringEnum } from '@gpuaas/contracts';
import { type Static, Type } from '@sinclair/typebox';
import { ACCOUNT_TYPE_PATTERN } from './accounts';

/** `type` or `type:key`; the chart of accounts (accounts.ts) decides which types exist. */
export const AccountName = Type.String({ minLength: 1, maxLength: 321 });
export type AccountName = Static<typeof AccountName>;

export const PostingDirection = StringEnum(['debit', 'credit']);
export type PostingDirection = Static<typeof PostingDirection>;

/** Integer micros, positive, within the range a JS number holds exactly. */
export const PostingAmount = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
export type PostingAmount = Static<typeof PostingAmount>;

export const Posting = Type.Object(
  {
    account: AccountName,
    direction: PostingDirection,
    amount_micros: PostingAmount,
    currency: Currency,
  },
  { additionalProperties: false },
);
export type Posting = Static<typeof Posting>;

/** Kinds a caller posts with `post`; `reversal` is written only by `reverse`. */
export const PostableKind = StringEnum(['usage_charge', 'credit', 'manual_credit', 'adjustment']);
export type PostableKind = Static<typeof PostableKind>;

export const TransactionKind = StringEnum([
  'usage_charge',
  'credit',
  'manual_credit',
  'adjustment',
  'reversal',
]);
export type TransactionKind = Static<typeof TransactionKind>;

/** What caused a transaction: `{type: 'usage_event', id: usage_event_id}`, a Stripe event, ... */
export const TransactionSource = Type.Object(
  {
    type: Type.String({ pattern: ACCOUNT_TYPE_PATTERN }),
    id: Type.String({ minLength: 1, maxLength: 512 }),
  },
  { additionalProperties: false },
);
export type TransactionSource = Static<typeof TransactionSource>;

/** The source idempotency key; printable ASCII (document ids are percent-encoded from it). */
export const TransactionId = Type.String({ minLength: 1, maxLength: 512, pattern: '^[!-~]+$' });
export type TransactionId = Static<typeof TransactionId>;

/** Free-form notes (line ids, operator, reason): not part of a transaction's identity. */
export const TransactionMetadata = Type.Record(
  Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,63}$' }),
  Type.String({ maxLength: 1024 }),
  // A pattern-keyed record allows any other key unless told not to.
  { maxProperties: 32, additionalProperties: false },
);
export type TransactionMetadata = Static<typeof TransactionMetadata>;

/** What `post` accepts. */
export const LedgerTransactionInput = Type.Object(
  {
    transaction_id: TransactionId,
    kind: PostableKind,
    postings: Type.Array(Posting, { minItems: 2, maxItems: 100 }),
    posted_at: Rfc3339Utc,
    source: Type.Optional(TransactionSource),
    metadata: Type.Optional(TransactionMetadata),
  },
  { additionalProperties: false },
);
export type LedgerTransactionInput = Static<typeof LedgerTransactionInput>;

/** A transaction as the ledger holds it (validated, canonical `posted_at`). */
export interface LedgerTransaction {
  transaction_id: string;
  kind: TransactionKind;
  postings: Posting[];
  posted_at: string;
  source?: TransactionSource;
  metadata?: TransactionMetadata;
}
