import { StripeCheckoutSessionId, StripeEventId, StripePaymentIntentId } from '@gpuaas/contracts';
import { TypeCompiler } from '@sinclair/typebox/compiler';

/** The two Stripe events that credit a Checkout Session (never `payment_intent.succeeded` too). */
export const CREDIT_EVENT_TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
] as const;
export type CreditEventType = (typeof CREDIT_EVENT_TYPES)[number];

export const isCreditEventType = (type: string): type is CreditEventType =>
  (CREDIT_EVENT_TYPES as readonly string[]).includes(type);

/**
 * The session metadata a top-up writes when it creates the Checkout Session. Stripe metadata
 * values are strings; the amount is in Stripe minor units of the expected currency.
 */
export const METADATA_KEYS = {
  userId: 'user_id',
  expectedAmountMinor: 'expected_amount_minor',
  expectedCurrency: 'expected_currency',
} as const;

/** What reconciling needs of a Stripe event about a Checkout Session, as Stripe sent it. */
export interface CheckoutSessionEvent {
  eventId: string;
  eventType: CreditEventType;
  livemode: boolean;
  sessionId: string;
  /** `paid`, `unpaid` or `no_payment_required`. */
  paymentStatus: string | undefined;
  /** Minor units, as Stripe sent it (validated when converted). */
  amountTotal: unknown;
  /** Stripe's lower-case code. */
  currency: string | undefined;
  /** `metadata.user_id`, else `client_reference_id`. */
  userId: string | undefined;
  expectedAmountMinor: string | undefined;
  expectedCurrency: string | undefined;
  paymentIntentId: string | undefined;
}

export type ReadSessionResult =
  | { ok: true; session: CheckoutSessionEvent }
  | { ok: false; problem: string };

/** The fields of a verified Stripe event this service reads; the rest is Stripe's business. */
export interface StripeEventLike {
  id: string;
  type: string;
  livemode: boolean;
  data: { object: unknown };
}

const checkEventId = TypeCompiler.Compile(StripeEventId);
const checkSessionId = TypeCompiler.Compile(StripeCheckoutSessionId);
const checkPaymentIntentId = TypeCompiler.Compile(StripePaymentIntentId);

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/** The payment intent id, whether Stripe sent the id or the expanded object. */
function paymentIntentOf(value: unknown): string | undefined {
  const id = typeof value === 'string' ? value : text(record(value).id);
  return id !== undefined && checkPaymentIntentId.Check(id) ? id : undefined;
}

/**
 * Reads a credit event's Checkout Session. Refuses only what no reconcile failure could name:
 * an event or session id outside Stripe's formats (the catalog's payloads key on them).
 */
export function readCheckoutSessionEvent(
  event: StripeEventLike & { type: CreditEventType },
): ReadSessionResult {
  if (!checkEventId.Check(event.id)) return { ok: false, problem: 'event id is not evt_…' };
  const session = record(event.data.object);
  if (session.object !== 'checkout.session') {
    return { ok: false, problem: `data.object is ${String(session.object)}, not checkout.session` };
  }
  const sessionId = session.id;
  if (typeof sessionId !== 'string' || !checkSessionId.Check(sessionId)) {
    return { ok: false, problem: 'checkout session id is not cs_…' };
  }
  const metadata = record(session.metadata);
  return {
    ok: true,
    session: {
      eventId: event.id,
      eventType: event.type,
      livemode: event.livemode === true,
      sessionId,
      paymentStatus: text(session.payment_status),
      amountTotal: session.amount_total,
      currency: text(session.currency),
      userId: text(metadata[METADATA_KEYS.userId]) ?? text(session.client_reference_id),
      expectedAmountMinor: text(metadata[METADATA_KEYS.expectedAmountMinor]),
      expectedCurrency: text(metadata[METADATA_KEYS.expectedCurrency]),
      paymentIntentId: paymentIntentOf(session.payment_intent),
    },
  };
}
