import type { ReconcileFailureReason } from '@gpuaas/contracts';
import type { CheckoutSessionEvent } from './checkout-session';
import { type MicrosConversion, minorToMicros } from './currency';

/** A session that reconciles: credit `amountMicros` of `currency` to `userId`. */
export interface CreditDecision {
  kind: 'credit';
  userId: string;
  amountMicros: number;
  currency: string;
}

/** A session that does not: nothing is credited, a `reconcile_failed` says why. */
export interface FailureDecision {
  kind: 'failure';
  reason: ReconcileFailureReason;
  /** For the operator: what was expected and what arrived. */
  detail: string;
  userId?: string;
  expectedAmountMicros?: number;
  observedAmountMicros?: number;
  currency?: string;
}

export type ReconcileDecision = CreditDecision | FailureDecision;

export interface ReconcileRules {
  /** The Stripe mode this deployment accepts money from (`STRIPE_LIVEMODE`). */
  livemode: boolean;
  /** The currencies the platform bills (`BILLING_CURRENCIES`): a credit in another is stranded. */
  currencies: readonly string[];
}

const POSITIVE_INTEGER = /^[1-9][0-9]{0,17}$/;
const CURRENCY_CODE = /^[A-Za-z]{3}$/;

const describeConversion = (conversion: MicrosConversion & { ok: false }, what: string) =>
  ({
    unsupported_currency: `${what}: the currency is not supported (no known minor unit)`,
    invalid_amount: `${what}: not a positive integer of minor units`,
    out_of_range: `${what}: too large to hold exactly in micros`,
  })[conversion.problem];

/**
 * Whether a paid Checkout Session credits its user, checked in this order: Stripe mode, paid,
 * user named, currency and amount against the top-up's expectation. The user's existence is
 * I/O, checked by the caller (`unknownUser`). Metadata without an expectation never credits:
 * a session the top-up did not create is for support to match, not for this service to guess.
 */
export function reconcileSession(
  session: CheckoutSessionEvent,
  rules: ReconcileRules,
): ReconcileDecision {
  const observedCurrency =
    session.currency && CURRENCY_CODE.test(session.currency)
      ? session.currency.toUpperCase()
      : undefined;
  const observed = minorToMicros(session.amountTotal, session.currency ?? '');
  const facts = {
    ...(session.userId !== undefined ? { userId: session.userId } : {}),
    ...(observed.ok ? { observedAmountMicros: observed.micros } : {}),
    ...(observedCurrency !== undefined ? { currency: observedCurrency } : {}),
  };
  const fail = (
    reason: ReconcileFailureReason,
    detail: string,
    extra: Partial<FailureDecision> = {},
  ): FailureDecision => ({ kind: 'failure', reason, detail, ...facts, ...extra });

  if (session.livemode !== rules.livemode) {
    return fail(
      'livemode_mismatch',
      `a ${session.livemode ? 'live' : 'test'} mode event reached a ${rules.livemode ? 'live' : 'test'} mode deployment`,
    );
  }
  if (session.paymentStatus !== 'paid') {
    return fail('not_paid', `payment_status is ${session.paymentStatus ?? 'missing'}, not paid`);
  }
  if (session.userId === undefined) {
    return fail('missing_user', 'neither metadata.user_id nor client_reference_id names a user');
  }

  const expectedCurrency = session.expectedCurrency?.toUpperCase();
  if (expectedCurrency === undefined || !CURRENCY_CODE.test(expectedCurrency)) {
    return fail('currency_mismatch', 'metadata.expected_currency is missing or not a currency');
  }
  if (observedCurrency === undefined) {
    return fail('currency_mismatch', 'the session carries no currency');
  }
  if (observedCurrency !== expectedCurrency) {
    return fail(
      'currency_mismatch',
      `expected ${expectedCurrency}, the session is in ${observedCurrency}`,
    );
  }
  if (!rules.currencies.includes(observedCurrency)) {
    // A balance in it would be one nobody can see or spend: support refunds or converts it.
    return fail(
      'currency_mismatch',
      `${observedCurrency} is not a currency the platform bills (${rules.currencies.join(', ')})`,
    );
  }
  if (!observed.ok) {
    return fail(
      observed.problem === 'unsupported_currency' ? 'currency_mismatch' : 'amount_mismatch',
      describeConversion(observed, `amount_total ${String(session.amountTotal)}`),
    );
  }

  const expectedMinor = session.expectedAmountMinor;
  if (expectedMinor === undefined || !POSITIVE_INTEGER.test(expectedMinor)) {
    return fail(
      'amount_mismatch',
      'metadata.expected_amount_minor is missing or not a positive integer',
    );
  }
  const expected = minorToMicros(Number(expectedMinor), observedCurrency);
  if (!expected.ok) {
    return fail('amount_mismatch', describeConversion(expected, `expected ${expectedMinor}`));
  }
  if (expected.micros !== observed.micros) {
    return fail(
      'amount_mismatch',
      `expected ${expectedMinor}, amount_total is ${String(session.amountTotal)} (${observedCurrency} minor units)`,
      { expectedAmountMicros: expected.micros },
    );
  }
  return {
    kind: 'credit',
    userId: session.userId,
    amountMicros: observed.micros,
    currency: observed.currency,
  };
}

/** The credit a session would have made, refused because its user does not exist. */
export const unknownUser = (credit: CreditDecision): FailureDecision => ({
  kind: 'failure',
  reason: 'unknown_user',
  detail: `no user ${credit.userId}`,
  userId: credit.userId,
  expectedAmountMicros: credit.amountMicros,
  observedAmountMicros: credit.amountMicros,
  currency: credit.currency,
});

/** A session already credited by another event, with another user, amount or currency. */
export function creditConflict(
  credit: CreditDecision,
  credited: { userId: string; amountMicros: number; currency: string; stripeEventId: string },
): FailureDecision {
  return {
    kind: 'failure',
    reason: 'already_credited_conflict',
    detail: `already credited by ${credited.stripeEventId}: ${credited.amountMicros} ${credited.currency} to ${credited.userId}; this event says ${credit.amountMicros} ${credit.currency} to ${credit.userId}`,
    userId: credit.userId,
    expectedAmountMicros: credited.amountMicros,
    observedAmountMicros: credit.amountMicros,
    currency: credit.currency,
  };
}

/** Whether a credit repeats what the session was credited with (the other event of one session). */
export const sameCredit = (
  credit: CreditDecision,
  credited: { userId: string; amountMicros: number; currency: string },
): boolean =>
  credit.userId === credited.userId &&
  credit.amountMicros === credited.amountMicros &&
  credit.currency === credited.currency;

/** The ledger refused the credit for good (its reason in the detail). */
export const ledgerPostFailed = (credit: CreditDecision, why: string): FailureDecision => ({
  kind: 'failure',
  reason: 'ledger_post_failed',
  detail: why,
  userId: credit.userId,
  observedAmountMicros: credit.amountMicros,
  currency: credit.currency,
});
