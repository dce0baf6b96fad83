export type { AccountTotals, ReadOptions } from './account-totals';
export type {
  AccountScope,
  AccountType,
  AccountTypeName,
  NormalSide,
  ParsedAccount,
} from './accounts';
export {
  ACCOUNT_TYPES,
  CREDIT_GRANTS_ACCOUNT,
  customerCreditAccount,
  parseAccount,
  revenueAccount,
  STRIPE_CLEARING_ACCOUNT,
} from './accounts';
export type { CheckLedgerOptions } from './check/check-ledger';
export { checkLedger } from './check/check-ledger';
export type { LedgerCheckRouteOptions } from './check/check-route';
export { ledgerCheckRoute } from './check/check-route';
export { formatReport } from './check/format-report';
export type { LedgerAudit, LedgerAuditReport, ScannedDocument } from './check/ledger-audit';
export { createLedgerAudit } from './check/ledger-audit';
export type { LedgerCheckReport, LedgerViolation, LedgerViolationCode } from './check/violations';
export type { LedgerCollectionNames } from './collections';
export { collectionNames, DEFAULT_COLLECTION_PREFIX } from './collections';
export type { LedgerErrorReason } from './errors';
export { LedgerError } from './errors';
export { fingerprintOf, mirrorPostings } from './fingerprint';
export type { Ledger, LedgerOptions } from './ledger';
export { createLedger } from './ledger';
export type { LedgerShards } from './ledger-context';
export { DEFAULT_SHARDS } from './ledger-context';
export type { AccountPosting, ListPostingsOptions, PostingPage } from './list-postings';
export type { ReversalOptions } from './prepare-reversal';
export type { PostResult, PreparedPosting } from './prepared-posting';
export type { LedgerTransaction } from './schemas';
export {
  AccountName,
  LedgerTransactionInput,
  PostableKind,
  Posting,
  PostingAmount,
  PostingDirection,
  TransactionId,
  TransactionKind,
  TransactionMetadata,
  TransactionSource,
} from './schemas';
export { assertBalanced, validateTransaction } from './validate-transaction';
