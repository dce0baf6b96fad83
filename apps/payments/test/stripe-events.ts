import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

export const WEBHOOK_SECRET = 'whsec_payments_test_secret';

const id = (prefix: string) => `${prefix}_${randomBytes(9).toString('hex')}`;
export const newEventId = () => id('evt_test');
export const newSessionId = () => id('cs_test');

export interface CheckoutEventOptions {
  type?: string;
  eventId?: string;
  sessionId?: string;
  userId?: string | null;
  clientReferenceId?: string | null;
  /** Stripe minor units. */
  amountTotal?: number | null;
  currency?: string;
  /** Defaults to the amount and currency; `null` leaves the key out of the metadata. */
  expectedAmountMinor?: string | null;
  expectedCurrency?: string | null;
  paymentStatus?: string;
  livemode?: boolean;
  paymentIntentId?: string | null;
}

/** A Stripe event about a Checkout Session, shaped as Stripe sends it (API 2025 versions). */
export function checkoutEvent(options: CheckoutEventOptions = {}) {
  const amountTotal = options.amountTotal === undefined ? 2500 : options.amountTotal;
  const currency = options.currency ?? 'usd';
  const livemode = options.livemode ?? false;
  const metadata: Record<string, string> = {};
  if (options.userId !== null && options.userId !== undefined) metadata.user_id = options.userId;
  const expectedAmount =
    options.expectedAmountMinor === undefined ? String(amountTotal) : options.expectedAmountMinor;
  if (expectedAmount !== null) metadata.expected_amount_minor = expectedAmount;
  const expectedCurrency =
    options.expectedCurrency === undefined ? currency : options.expectedCurrency;
  if (expectedCurrency !== null) metadata.expected_currency = expectedCurrency;
  return {
    id: options.eventId ?? newEventId(),
    object: 'event',
    api_version: '2025-08-27.basil',
    created: Math.floor(Date.now() / 1000),
    livemode,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: options.type ?? 'checkout.session.completed',
    data: {
      object: {
        id: options.sessionId ?? newSessionId(),
        object: 'checkout.session',
        amount_subtotal: amountTotal,
        amount_total: amountTotal,
        client_reference_id: options.clientReferenceId ?? null,
        currency,
        customer: null,
        livemode,
        metadata,
        mode: 'payment',
        payment_intent:
          options.paymentIntentId === undefined ? id('pi_test') : options.paymentIntentId,
        payment_status: options.paymentStatus ?? 'paid',
        status: 'complete',
      },
    },
  };
}

export interface SignOptions {
  secret?: string;
  /** Seconds since the epoch; now by default. */
  timestamp?: number;
}

/** The raw body and its `Stripe-Signature` header, signed as Stripe signs. */
export function signed(event: unknown, options: SignOptions = {}) {
  const payload = JSON.stringify(event);
  const header = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? WEBHOOK_SECRET,
    timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
  });
  return { payload, header };
}
