/**
 * Decimal places of Stripe's minor unit per currency (ISO 4217 upper case). This is the exponent
 * of the amounts Stripe sends, which is ISO 4217's minor unit except where Stripe says otherwise
 * (ISK: zero-decimal in ISO 4217, two-decimal in the Stripe API; MGA the reverse).
 * A currency not listed is unsupported: its amounts are never converted by a guessed exponent.
 */
const ZERO_DECIMAL = [
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
] as const;

// Stripe rounds these to the nearest ten on charges; the amounts still carry three decimals.
const THREE_DECIMAL = ['BHD', 'JOD', 'KWD', 'OMR', 'TND'] as const;

const TWO_DECIMAL = [
  'AED',
  'AFN',
  'ALL',
  'AMD',
  'ANG',
  'AOA',
  'ARS',
  'AUD',
  'AWG',
  'AZN',
  'BAM',
  'BBD',
  'BDT',
  'BGN',
  'BMD',
  'BND',
  'BOB',
  'BRL',
  'BSD',
  'BWP',
  'BYN',
  'BZD',
  'CAD',
  'CDF',
  'CHF',
  'CNY',
  'COP',
  'CRC',
  'CVE',
  'CZK',
  'DKK',
  'DOP',
  'DZD',
  'EGP',
  'ETB',
  'EUR',
  'FJD',
  'FKP',
  'GBP',
  'GEL',
  'GIP',
  'GMD',
  'GTQ',
  'GYD',
  'HKD',
  'HNL',
  'HTG',
  'HUF',
  'IDR',
  'ILS',
  'INR',
  'ISK',
  'JMD',
  'KES',
  'KGS',
  'KHR',
  'KYD',
  'KZT',
  'LAK',
  'LBP',
  'LKR',
  'LRD',
  'LSL',
  'MAD',
  'MDL',
  'MKD',
  'MMK',
  'MNT',
  'MOP',
  'MUR',
  'MVR',
  'MWK',
  'MXN',
  'MYR',
  'MZN',
  'NAD',
  'NGN',
  'NIO',
  'NOK',
  'NPR',
  'NZD',
  'PAB',
  'PEN',
  'PGK',
  'PHP',
  'PKR',
  'PLN',
  'QAR',
  'RON',
  'RSD',
  'RUB',
  'SAR',
  'SBD',
  'SCR',
  'SEK',
  'SGD',
  'SHP',
  'SLE',
  'SOS',
  'SRD',
  'SZL',
  'THB',
  'TJS',
  'TOP',
  'TRY',
  'TTD',
  'TWD',
  'TZS',
  'UAH',
  'USD',
  'UYU',
  'UZS',
  'WST',
  'XCD',
  'YER',
  'ZAR',
  'ZMW',
] as const;

export type MinorUnitExponent = 0 | 2 | 3;

export const CURRENCY_EXPONENTS: ReadonlyMap<string, MinorUnitExponent> = new Map<
  string,
  MinorUnitExponent
>([
  ...ZERO_DECIMAL.map((code) => [code, 0] as const),
  ...TWO_DECIMAL.map((code) => [code, 2] as const),
  ...THREE_DECIMAL.map((code) => [code, 3] as const),
]);

/** The exponent of a currency's Stripe minor unit, or undefined when it is not supported. */
export function minorUnitExponent(currency: string): MinorUnitExponent | undefined {
  return CURRENCY_EXPONENTS.get(currency.toUpperCase());
}

export type MicrosConversion =
  | { ok: true; micros: number; currency: string }
  | { ok: false; problem: 'unsupported_currency' | 'invalid_amount' | 'out_of_range' };

const MAX_MICROS = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Stripe minor units to micros: minor × 10^(6 − exponent), exactly (BigInt), for a positive
 * integer amount whose micros fit a safe integer. `currency` may be Stripe's lower case.
 */
export function minorToMicros(amountMinor: unknown, currency: string): MicrosConversion {
  const exponent = minorUnitExponent(currency);
  if (exponent === undefined) return { ok: false, problem: 'unsupported_currency' };
  if (typeof amountMinor !== 'number' || !Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
    return { ok: false, problem: 'invalid_amount' };
  }
  const micros = BigInt(amountMinor) * 10n ** BigInt(6 - exponent);
  if (micros > MAX_MICROS) return { ok: false, problem: 'out_of_range' };
  return { ok: true, micros: Number(micros), currency: currency.toUpperCase() };
}
