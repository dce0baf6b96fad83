import { ceilDiv, type Instant, maxInstant, minInstant, NS_PER_SECOND } from './instants';

const SECONDS_PER_HOUR = 3600n;

/** The price of a usage window, fixed when it opens (`provisioning.active`). */
export interface PriceSnapshot {
  price_id: string;
  rate_micros_per_gpu_hour: number;
  currency: string;
  gpu_count: number;
  /** Usage is billed in whole increments, rounded up (1 or 60). */
  billing_increment_seconds: number;
}

/** Why billing ends before an interval does. */
export type StopReason = 'release_failed' | 'released';

/** Where a window's billing ends: its release, or a failed release's `failed_at`. */
export interface BillingStop {
  at: Instant;
  reason: StopReason;
}

export interface RatingWindow {
  startedAt: Instant;
  price: PriceSnapshot;
  stop: BillingStop | null;
}

/** Why a rated line charges nothing. */
export type NoChargeReason =
  | 'past_billing_stop'
  | 'before_window_start'
  | 'covered_by_billed_increment'
  | 'empty_interval'
  | 'zero_rate';

/** The charge of one interval: the rating through its end minus the rating through its start. */
export interface RatedCharge {
  /** Billed seconds this interval adds (whole increments through its end, less through its start). */
  billed_seconds: number;
  amount_micros: number;
  /** Billed seconds of the window through the charged end, cumulative. */
  billed_through_seconds: number;
  /** The part of the interval inside the window's billing span. */
  charged_from: Instant;
  charged_until: Instant;
  /** Set when the billing stop cut the interval short (or off entirely). */
  stopped: BillingStop | null;
  no_charge_reason: NoChargeReason | null;
}

/** A rating input that can never be charged; the event is rejected for good. */
export class RatingError extends Error {
  override readonly name = 'RatingError';
  constructor(
    readonly reason: 'interval_reversed' | 'amount_out_of_range',
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

/** Billed seconds of `[window start, window start + elapsed)`: whole increments, rounded up. */
export function billedSecondsThrough(elapsed: bigint, incrementSeconds: number): bigint {
  if (elapsed <= 0n) return 0n;
  const increment = BigInt(incrementSeconds);
  return ceilDiv(elapsed, increment * NS_PER_SECOND) * increment;
}

/** Amount of that many billed seconds: ceil(seconds × rate × gpu_count / 3600), in BigInt. */
export function amountForSeconds(billedSeconds: bigint, price: PriceSnapshot): bigint {
  const product = billedSeconds * BigInt(price.rate_micros_per_gpu_hour) * BigInt(price.gpu_count);
  return ceilDiv(product, SECONDS_PER_HOUR);
}

/** The rating of a whole window span: what every split of it must add up to. */
export function rateSpan(elapsed: bigint, price: PriceSnapshot): bigint {
  return amountForSeconds(billedSecondsThrough(elapsed, price.billing_increment_seconds), price);
}

function exactNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RatingError('amount_out_of_range', `${what} ${value} exceeds 2^53 - 1`);
  }
  return Number(value);
}

/**
 * Rates `[start, end)` of a window: rating(window start → end) − rating(window start → start),
 * both clipped to the window's billing span. Differences of one cumulative function telescope,
 * so any split of a span, in any order, adds up to the rating of the whole span exactly.
 */
export function rateInterval(
  window: RatingWindow,
  interval: { start: Instant; end: Instant },
): RatedCharge {
  if (interval.end < interval.start) {
    throw new RatingError('interval_reversed', 'interval_end is before interval_start');
  }
  const { startedAt, price, stop } = window;
  const ceiling = stop ? stop.at : interval.end;
  const from = minInstant(maxInstant(interval.start, startedAt), maxInstant(ceiling, startedAt));
  const until = minInstant(maxInstant(interval.end, startedAt), maxInstant(ceiling, startedAt));
  const increment = price.billing_increment_seconds;
  const billedUntil = billedSecondsThrough(until - startedAt, increment);
  const billedFrom = billedSecondsThrough(from - startedAt, increment);
  const amount = amountForSeconds(billedUntil, price) - amountForSeconds(billedFrom, price);
  const stopped = stop && interval.end > stop.at ? stop : null;
  return {
    billed_seconds: exactNumber(billedUntil - billedFrom, 'billed seconds'),
    amount_micros: exactNumber(amount, 'amount_micros'),
    billed_through_seconds: exactNumber(billedUntil, 'billed seconds'),
    charged_from: from,
    charged_until: until,
    stopped,
    no_charge_reason: amount > 0n ? null : noChargeReason(window, interval, from, until),
  };
}

function noChargeReason(
  window: RatingWindow,
  interval: { start: Instant; end: Instant },
  from: Instant,
  until: Instant,
): NoChargeReason {
  if (interval.end === interval.start) return 'empty_interval';
  if (window.stop && interval.start >= window.stop.at) return 'past_billing_stop';
  if (interval.end <= window.startedAt) return 'before_window_start';
  if (window.price.rate_micros_per_gpu_hour === 0) return 'zero_rate';
  return until > from ? 'covered_by_billed_increment' : 'past_billing_stop';
}
