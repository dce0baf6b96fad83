/** Why the ledger refused an operation; callers switch on it. */
export type LedgerErrorReason =
  /** The input does not match the transaction schema (see `pointer`). */
  | 'invalid_transaction'
  | 'invalid_account'
  | 'invalid_amount'
  | 'invalid_currency'
  | 'too_few_postings'
  /** Debits and credits differ in some currency. */
  | 'unbalanced'
  /** The kind and the source disagree (e.g. a usage charge whose id is not its usage event id). */
  | 'invalid_source'
  /** The id is taken by a transaction with other postings, kind or source. */
  | 'transaction_conflict'
  | 'transaction_not_found'
  | 'already_reversed'
  /** Reversals are final: a reversal is never reversed (post a new transaction instead). */
  | 'not_reversible'
  /** Reversals are posted through `reverse`, which checks the original. */
  | 'reversal_requires_reverse'
  /** A prepared posting was written twice into its transaction. */
  | 'already_written'
  /** A stored total left the safe-integer range, so it cannot be returned exactly as a number. */
  | 'balance_out_of_range'
  | 'invalid_cursor'
  | 'invalid_options';

/** A ledger operation refused for a reason the caller can act on; nothing was written. */
export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  constructor(
    readonly reason: LedgerErrorReason,
    readonly detail: string,
    /** JSON pointer of the offending input field, where there is one. */
    readonly pointer?: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}
