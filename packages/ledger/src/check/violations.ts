/** An invariant the ledger check found broken. */
export type LedgerViolationCode =
  /** A transaction document lacks a field the ledger relies on, or holds a bad value. */
  | 'malformed_transaction'
  /** The document id is not the encoded transaction id, so id uniqueness proves nothing. */
  | 'id_mismatch'
  /** The transaction document was updated after its creation: transactions are immutable. */
  | 'transaction_edited'
  /** The stored fingerprint does not match the postings: they were changed. */
  | 'fingerprint_mismatch'
  | 'unbalanced'
  /** The `accounts` field, which account history queries use, disagrees with the postings. */
  | 'accounts_mismatch'
  | 'unknown_account'
  /** A usage charge whose id is not its usage event id: it could charge that event twice. */
  | 'usage_source_mismatch'
  /** A reversal that is not the mirror image of its original, or reverses a reversal. */
  | 'reversal_mismatch'
  | 'reversal_target_missing'
  | 'reversed_twice'
  /** The reversal claim documents disagree with the reversal transactions. */
  | 'reversal_claim_mismatch'
  /** A shard document lacks its key fields or holds a non-integer total. */
  | 'malformed_balance'
  /** The shard totals of a balance differ from the sum of its postings. */
  | 'balance_mismatch';

export interface LedgerViolation {
  code: LedgerViolationCode;
  detail: string;
  transaction_id?: string;
  account?: string;
  currency?: string;
  /** Document path the finding is about. */
  document?: string;
}

export interface LedgerCheckReport {
  ok: boolean;
  /** The snapshot every read was taken at (RFC 3339): the report is consistent as of this instant. */
  read_time: string;
  transactions: number;
  postings: number;
  /** Distinct accounts seen in postings or in balance shards. */
  accounts: number;
  /** Distinct (account, currency) balances. */
  balances: number;
  reversals: number;
  /** All violations found; `violations` lists at most `maxViolations` of them. */
  violation_count: number;
  violations: LedgerViolation[];
  duration_ms: number;
}
