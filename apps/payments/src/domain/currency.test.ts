import { describe, expect, it } from 'vitest';
import { CURRENCY_EXPONENTS, minorToMicros, minorUnitExponent } from './currency';

describe('minorToMicros', () => {
  it('converts by the currency exponent, exactly', () => {
    expect(minorToMicros(1234, 'usd')).toEqual({ ok: true, micros: 12_340_000, currency: 'USD' });
    expect(minorToMicros(500, 'jpy')).toEqual({ ok: true, micros: 500_000_000, currency: 'JPY' });
    expect(minorToMicros(1, 'krw')).toEqual({ ok: true, micros: 1_000_000, currency: 'KRW' });
    expect(minorToMicros(5125, 'kwd')).toEqual({ ok: true, micros: 5_125_000, currency: 'KWD' });
    expect(minorToMicros(1, 'bhd')).toEqual({ ok: true, micros: 1_000, currency: 'BHD' });
    expect(minorToMicros(1, 'eur')).toEqual({ ok: true, micros: 10_000, currency: 'EUR' });
  });

  it('uses the Stripe API exponent where it differs from common ISO usage', () => {
    // Stripe keeps ISK two-decimal in the API (100 = 1 króna) and MGA zero-decimal.
    expect(minorUnitExponent('ISK')).toBe(2);
    expect(minorUnitExponent('MGA')).toBe(0);
    expect(minorToMicros(100, 'isk')).toEqual({ ok: true, micros: 1_000_000, currency: 'ISK' });
  });

  it('never guesses an exponent for a currency it does not know', () => {
    expect(minorToMicros(100, 'xyz')).toEqual({ ok: false, problem: 'unsupported_currency' });
    expect(minorToMicros(100, '')).toEqual({ ok: false, problem: 'unsupported_currency' });
    expect(minorUnitExponent('XAU')).toBeUndefined();
  });

  it('refuses amounts that are not positive integers', () => {
    for (const amount of [0, -1, 1.5, Number.NaN, '100', null, undefined]) {
      expect(minorToMicros(amount, 'usd')).toEqual({ ok: false, problem: 'invalid_amount' });
    }
  });

  it('refuses amounts whose micros leave the safe-integer range instead of rounding', () => {
    // 2^53 / 10^6 yen is about 9.007e9; one yen more than fits must not be rounded silently.
    const maxYen = Math.floor(Number.MAX_SAFE_INTEGER / 1_000_000);
    expect(minorToMicros(maxYen, 'jpy')).toEqual({
      ok: true,
      micros: maxYen * 1_000_000,
      currency: 'JPY',
    });
    expect(minorToMicros(maxYen + 1, 'jpy')).toEqual({ ok: false, problem: 'out_of_range' });
  });

  it('lists each currency once, with upper-case ISO codes', () => {
    for (const code of CURRENCY_EXPONENTS.keys()) expect(code).toMatch(/^[A-Z]{3}$/);
    expect(CURRENCY_EXPONENTS.size).toBeGreaterThan(130);
  });
});
