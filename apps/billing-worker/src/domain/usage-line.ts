import { createHash } from 'node:crypto';
import { canonicalTimestamp, type PayloadOf } from '@gpuaas/contracts';
import { formatInstant, instantOf } from './instants';
import { type NoChargeReason, RatingError, rateInterval, type StopReason } from './rating';
import { ratingWindowOf, type UsageWindow } from './usage-window';

export type Usage = PayloadOf<'platform.billing.usage.metered'>;

/** The product whose windows `provisioning.active` opens; its revenue is `revenue:gpu`. */
export const GPU_PRODUCT = 'gpu';

/** A rated usage line (DOMAIN.md), with what it was rated from and why it charges what it does. */
export interface UsageLine {
  line_id: string;
  usage_event_id: string;
  user_id: string;
  allocation_id: string;
  product_code: string;
  sku: string;
  quantity: number;
  interval_start: string;
  interval_end: string;
  price_id: string;
  rate_micros_per_gpu_hour: number;
  gpu_count: number;
  billing_increment_seconds: number;
  currency: string;
  billed_seconds: number;
  amount_micros: number;
  rounding: 'ceil';
  /** Billed seconds of the window through `charged_until`: the charge is the difference. */
  billed_through_seconds: number;
  window_started_at: string;
  /** The part of the interval inside the window's billing span. */
  charged_from: string;
  charged_until: string;
  /** Set when billing stopped inside or before the interval: what lies past it is not charged. */
  billing_stop: { at: string; reason: StopReason } | null;
  status: 'charged' | 'not_charged';
  no_charge_reason: NoChargeReason | null;
  /** = usage_event_id when charged; null when nothing was posted. */
  ledger_transaction_id: string | null;
  /** Arrived before its window's `active` and was rated when the window opened. */
  held: boolean;
}

export type UsageRejection = {
  reason:
    | 'user_mismatch'
    | 'unsupported_product'
    | 'usage_event_id_invalid'
    | 'interval_reversed'
    | 'amount_out_of_range'
    | 'ledger_refused';
  detail: string;
};

export const lineIdOf = (usageEventId: string): string =>
  `rul_${createHash('sha256').update(usageEventId).digest('hex').slice(0, 32)}`;

// The ledger's transaction id: printable ASCII, at most 512 characters.
const LEDGER_ID = /^[!-~]{1,512}$/;

/** What can never be charged, whatever arrives later: the event is dead-lettered with it. */
export function rejectionOf(usage: Usage, window: UsageWindow | undefined): UsageRejection | null {
  if (usage.product_code !== GPU_PRODUCT) {
    return {
      reason: 'unsupported_product',
      detail: `product_code ${usage.product_code}: only ${GPU_PRODUCT} usage is rated here`,
    };
  }
  if (!LEDGER_ID.test(usage.usage_event_id)) {
    return {
      reason: 'usage_event_id_invalid',
      detail: 'usage_event_id must be 1-512 printable ASCII characters (it is the ledger id)',
    };
  }
  if (instantOf(usage.interval_end) < instantOf(usage.interval_start)) {
    return { reason: 'interval_reversed', detail: 'interval_end is before interval_start' };
  }
  if (window && window.user_id !== usage.user_id) {
    return {
      reason: 'user_mismatch',
      detail: `allocation ${usage.resource_id} belongs to another user than the usage names`,
    };
  }
  return null;
}

/** Rates a usage event against its open window; null while the window awaits `active`. */
export function rateUsage(
  usage: Usage,
  window: UsageWindow,
  held: boolean,
): UsageLine | UsageRejection | null {
  const rating = ratingWindowOf(window);
  if (rating === null || window.price === null || window.started_at === null) return null;
  let charge: ReturnType<typeof rateInterval>;
  try {
    charge = rateInterval(rating, {
      start: instantOf(usage.interval_start),
      end: instantOf(usage.interval_end),
    });
  } catch (error) {
    if (error instanceof RatingError) return { reason: error.reason, detail: error.detail };
    throw error;
  }
  const { price } = window;
  const charged = charge.amount_micros > 0;
  return {
    line_id: lineIdOf(usage.usage_event_id),
    usage_event_id: usage.usage_event_id,
    user_id: usage.user_id,
    allocation_id: usage.resource_id,
    product_code: usage.product_code,
    sku: usage.sku,
    quantity: usage.quantity,
    interval_start: canonicalTimestamp(usage.interval_start),
    interval_end: canonicalTimestamp(usage.interval_end),
    price_id: price.price_id,
    rate_micros_per_gpu_hour: price.rate_micros_per_gpu_hour,
    gpu_count: price.gpu_count,
    billing_increment_seconds: price.billing_increment_seconds,
    currency: price.currency,
    billed_seconds: charge.billed_seconds,
    amount_micros: charge.amount_micros,
    rounding: 'ceil',
    billed_through_seconds: charge.billed_through_seconds,
    window_started_at: window.started_at,
    charged_from: formatInstant(charge.charged_from),
    charged_until: formatInstant(charge.charged_until),
    billing_stop: charge.stopped
      ? { at: formatInstant(charge.stopped.at), reason: charge.stopped.reason }
      : null,
    status: charged ? 'charged' : 'not_charged',
    no_charge_reason: charge.no_charge_reason,
    ledger_transaction_id: charged ? usage.usage_event_id : null,
    held,
  };
}

export const isRejection = (value: UsageLine | UsageRejection): value is UsageRejection =>
  'reason' in value;
