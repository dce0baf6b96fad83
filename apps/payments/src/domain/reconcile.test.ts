import { describe, expect, it } from 'vitest';
import type { CheckoutSessionEvent } from './checkout-session';
import { creditConflict, reconcileSession, sameCredit, unknownUser } from './reconcile';

const paid = (over: Partial<CheckoutSessionEvent> = {}): CheckoutSessionEvent => ({
  eventId: 'evt_1',
  eventType: 'checkout.session.completed',
  livemode: false,
  sessionId: 'cs_test_1',
  paymentStatus: 'paid',
  amountTotal: 5000,
  currency: 'usd',
  userId: 'user-1',
  expectedAmountMinor: '5000',
  expectedCurrency: 'usd',
  paymentIntentId: 'pi_1',
  ...over,
});
// XYZ is billed here, so its case below is about the missing minor unit alone.
const rules = { livemode: false, currencies: ['USD', 'XYZ'] };

describe('reconcileSession', () => {
  it('credits a paid session that matches its expectation', () => {
    expect(reconcileSession(paid(), rules)).toEqual({
      kind: 'credit',
      userId: 'user-1',
      amountMicros: 50_000_000,
      currency: 'USD',
    });
  });

  it('reads the expected currency in any case', () => {
    expect(reconcileSession(paid({ expectedCurrency: 'USD' }), rules).kind).toBe('credit');
  });

  it.each([
    ['livemode_mismatch', { livemode: true }],
    ['not_paid', { paymentStatus: 'unpaid' }],
    ['not_paid', { paymentStatus: 'no_payment_required' }],
    ['not_paid', { paymentStatus: undefined }],
    ['missing_user', { userId: undefined }],
    ['currency_mismatch', { expectedCurrency: 'eur' }],
    ['currency_mismatch', { expectedCurrency: undefined }],
    ['currency_mismatch', { expectedCurrency: 'dollars' }],
    ['currency_mismatch', { currency: undefined }],
    ['currency_mismatch', { currency: 'xyz', expectedCurrency: 'xyz' }],
    [
      'currency_mismatch',
      { currency: 'jpy', expectedCurrency: 'jpy', expectedAmountMinor: '5000' },
    ],
    ['amount_mismatch', { amountTotal: 4000 }],
    ['amount_mismatch', { amountTotal: null }],
    ['amount_mismatch', { amountTotal: 0 }],
    ['amount_mismatch', { expectedAmountMinor: undefined }],
    ['amount_mismatch', { expectedAmountMinor: '50.00' }],
    ['amount_mismatch', { expectedAmountMinor: '0' }],
    ['amount_mismatch', { expectedAmountMinor: '-5000' }],
  ] as const)('fails with %s for %o', (reason, over) => {
    const decision = reconcileSession(paid(over as Partial<CheckoutSessionEvent>), rules);
    expect(decision).toMatchObject({ kind: 'failure', reason });
  });

  it('checks the mode first: a test event never reaches the other checks of a live deployment', () => {
    const decision = reconcileSession(paid({ livemode: false, paymentStatus: 'unpaid' }), {
      ...rules,
      livemode: true,
    });
    expect(decision).toMatchObject({ kind: 'failure', reason: 'livemode_mismatch' });
  });

  it('reports both amounts of a mismatch in micros, e.g. after a promotion', () => {
    expect(reconcileSession(paid({ amountTotal: 4000 }), rules)).toMatchObject({
      reason: 'amount_mismatch',
      expectedAmountMicros: 50_000_000,
      observedAmountMicros: 40_000_000,
      currency: 'USD',
      userId: 'user-1',
    });
  });

  it('converts zero- and three-decimal currencies exactly', () => {
    const billed = { ...rules, currencies: ['JPY', 'KWD'] };
    const jpy = paid({
      amountTotal: 1500,
      currency: 'jpy',
      expectedAmountMinor: '1500',
      expectedCurrency: 'jpy',
    });
    expect(reconcileSession(jpy, billed)).toMatchObject({
      amountMicros: 1_500_000_000,
      currency: 'JPY',
    });
    const kwd = paid({
      amountTotal: 12340,
      currency: 'kwd',
      expectedAmountMinor: '12340',
      expectedCurrency: 'kwd',
    });
    expect(reconcileSession(kwd, billed)).toMatchObject({
      amountMicros: 12_340_000,
      currency: 'KWD',
    });
  });
});

describe('credits of one session', () => {
  const credit = { kind: 'credit' as const, userId: 'user-1', amountMicros: 10, currency: 'USD' };

  it('tells a repeat from a conflict', () => {
    expect(sameCredit(credit, { userId: 'user-1', amountMicros: 10, currency: 'USD' })).toBe(true);
    expect(sameCredit(credit, { userId: 'user-1', amountMicros: 11, currency: 'USD' })).toBe(false);
    expect(sameCredit(credit, { userId: 'user-2', amountMicros: 10, currency: 'USD' })).toBe(false);
    const conflict = creditConflict(credit, {
      userId: 'user-1',
      amountMicros: 11,
      currency: 'USD',
      stripeEventId: 'evt_0',
    });
    expect(conflict).toMatchObject({
      reason: 'already_credited_conflict',
      expectedAmountMicros: 11,
      observedAmountMicros: 10,
    });
    expect(unknownUser(credit)).toMatchObject({ reason: 'unknown_user', userId: 'user-1' });
  });
});
