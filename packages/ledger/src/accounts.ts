import { LedgerError } from './errors';

/** Which side increases an account: assets and expenses are debit-normal, liabilities and income credit-normal. */
export type NormalSide = 'debit' | 'credit';

/** Customer accounts are written by one user's events; platform accounts by everyone's. */
export type AccountScope = 'customer' | 'platform';

export interface AccountType {
  normal: NormalSide;
  scope: AccountScope;
  /** Whether the name carries a key after a colon (`customer_credit:<user_id>`). */
  keyed: boolean;
  description: string;
}

/** The chart of accounts. A new account type is a code change, so a typo cannot open an account. */
export const ACCOUNT_TYPES = {
  customer_credit: {
    normal: 'credit',
    scope: 'customer',
    keyed: true,
    description: 'prepaid balance a user can spend, keyed by user id (liability)',
  },
  revenue: {
    normal: 'credit',
    scope: 'platform',
    keyed: true,
    description: 'earned revenue, keyed by product code: revenue:gpu (income)',
  },
  stripe_clearing: {
    normal: 'debit',
    scope: 'platform',
    keyed: false,
    description: 'money collected through Stripe and not yet paid out (asset)',
  },
  credit_grants: {
    normal: 'debit',
    scope: 'platform',
    keyed: false,
    description: 'credit given away by operators: goodwill, promotions (expense)',
  },
} as const satisfies Record<string, AccountType>;

export type AccountTypeName = keyof typeof ACCOUNT_TYPES;

export const ACCOUNT_TYPE_PATTERN = '^[a-z][a-z0-9_]{0,63}$';
// Printable ASCII without space; document ids are percent-encoded, so `/` and `:` are safe here.
const KEY_PATTERN = /^[\x21-\x7e]{1,256}$/;
const TYPE_PATTERN = new RegExp(ACCOUNT_TYPE_PATTERN);

export interface ParsedAccount {
  name: string;
  type: AccountTypeName;
  key: string | undefined;
  definition: AccountType;
}

function isAccountType(value: string): value is AccountTypeName {
  return Object.hasOwn(ACCOUNT_TYPES, value);
}

/** Splits `type[:key]` and checks it against the chart of accounts; throws `invalid_account`. */
export function parseAccount(name: string): ParsedAccount {
  if (typeof name !== 'string' || name.length === 0 || name.length > 321) {
    throw new LedgerError('invalid_account', 'an account name is 1 to 321 characters');
  }
  const colon = name.indexOf(':');
  const type = colon === -1 ? name : name.slice(0, colon);
  const key = colon === -1 ? undefined : name.slice(colon + 1);
  if (!TYPE_PATTERN.test(type) || !isAccountType(type)) {
    throw new LedgerError('invalid_account', `unknown account type "${type}" in "${name}"`);
  }
  const definition: AccountType = ACCOUNT_TYPES[type];
  if (definition.keyed && key === undefined) {
    throw new LedgerError('invalid_account', `${type} accounts need a key: "${type}:<key>"`);
  }
  if (!definition.keyed && key !== undefined) {
    throw new LedgerError('invalid_account', `${type} is a single account and takes no key`);
  }
  if (key !== undefined && !KEY_PATTERN.test(key)) {
    throw new LedgerError(
      'invalid_account',
      `account key of "${name}" is not 1-256 printable characters`,
    );
  }
  return { name, type, key, definition };
}

export const customerCreditAccount = (userId: string): string => `customer_credit:${userId}`;
export const revenueAccount = (productCode: string): string => `revenue:${productCode}`;
export const STRIPE_CLEARING_ACCOUNT = 'stripe_clearing';
export const CREDIT_GRANTS_ACCOUNT = 'credit_grants';
