/** The billing worker's Firestore collections (the ledger's own are `<prefix>transactions`, ...). */
export const USAGE_WINDOWS = 'billing_usage_windows';
/** Usage that arrived before its window's `provisioning.active`: rated when the window opens. */
export const HELD_USAGE = 'billing_held_usage';
export const USAGE_LINES = 'billing_usage_lines';
export const BALANCE_STATES = 'billing_balance_states';
/** Read model: every `balance_credited`, and the last credit per user and currency. */
export const CREDITS = 'billing_credits';
export const CREDIT_SUMMARIES = 'billing_credit_summaries';

/**
 * A source id as a document id: percent-encoded (no `/`), and the names Firestore reserves
 * (`.`, `..`, `__x__`) prefixed with a `%` that encoding never leaves bare, so it stays injective.
 */
export function documentId(id: string): string {
  const encoded = encodeURIComponent(id);
  return encoded === '.' || encoded === '..' || /^__.*__$/.test(encoded) ? `%${encoded}` : encoded;
}

/** `user|currency`: one balance state (or credit summary) per user and currency. */
export const userCurrencyId = (userId: string, currency: string): string =>
  `${documentId(userId)}|${currency}`;
