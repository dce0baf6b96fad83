import { canonicalTimestamp } from '@gpuaas/contracts';

/** Nanoseconds since the epoch, exact: timestamps carry up to nine fraction digits. */
export type Instant = bigint;

export const NS_PER_SECOND = 1_000_000_000n;
export const NS_PER_MS = 1_000_000n;

/** An RFC 3339 UTC timestamp (the contract's form, `Z` only) as an exact instant. */
export function instantOf(text: string): Instant {
  const canonical = canonicalTimestamp(text);
  const seconds = Date.parse(`${canonical.slice(0, 19)}Z`);
  const fraction = canonical.length > 20 ? canonical.slice(20, -1) : '';
  return BigInt(seconds) * NS_PER_MS + BigInt(fraction.padEnd(9, '0') || '0');
}

/** A JavaScript date as an instant (millisecond precision). */
export function instantOfDate(date: Date): Instant {
  return BigInt(date.getTime()) * NS_PER_MS;
}

/** The canonical RFC 3339 spelling of an instant (no trailing fraction zeros). */
export function formatInstant(instant: Instant): string {
  const seconds = floorDiv(instant, NS_PER_SECOND);
  const nanos = instant - seconds * NS_PER_SECOND;
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return canonicalTimestamp(`${whole}.${nanos.toString().padStart(9, '0')}Z`);
}

/** Division rounding toward negative infinity (BigInt's `/` truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Division rounding toward positive infinity. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return -floorDiv(-a, b);
}

export const minInstant = (a: Instant, b: Instant): Instant => (a < b ? a : b);
export const maxInstant = (a: Instant, b: Instant): Instant => (a > b ? a : b);
