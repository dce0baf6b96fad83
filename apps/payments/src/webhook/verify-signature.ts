import Stripe from 'stripe';
import type { StripeEventLike } from '../domain/checkout-session';

export type WebhookRejection = 'missing_signature' | 'invalid_signature' | 'malformed_event';

/** A webhook request refused before anything is read or written: answered 400. */
export class WebhookRejectedError extends Error {
  override readonly name = 'WebhookRejectedError';
  constructor(
    readonly reason: WebhookRejection,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

export interface SignatureVerifierOptions {
  /** The endpoint's signing secret (`whsec_…`). */
  secret: string;
  /** How far a signature's timestamp may be from now, either way; Stripe's default is 300 s. */
  toleranceSeconds: number;
  now?: () => Date;
}

/** The `t=` of a `Stripe-Signature` header, in seconds; undefined when there is none. */
function signedAt(header: string): number | undefined {
  for (const part of header.split(',')) {
    const [key, value] = part.split('=', 2);
    if (key?.trim() === 't' && value !== undefined && /^[0-9]+$/.test(value.trim())) {
      return Number(value.trim());
    }
  }
  return undefined;
}

export type VerifyStripeSignature = (
  rawBody: Buffer,
  header: string | undefined,
) => StripeEventLike;

const isEventLike = (value: unknown): value is StripeEventLike => {
  const event = value as Partial<StripeEventLike> | null;
  return (
    typeof event?.id === 'string' &&
    typeof event.type === 'string' &&
    typeof event.livemode === 'boolean' &&
    typeof event.data === 'object' &&
    event.data !== null
  );
};

/**
 * Verifies the `Stripe-Signature` header over the raw body with the stripe library (HMAC-SHA256
 * of `timestamp.body`, timestamp no older than the tolerance), refuses a timestamp further ahead
 * than the tolerance, then reads the event it signs.
 */
export function createSignatureVerifier(options: SignatureVerifierOptions): VerifyStripeSignature {
  return function verifyStripeSignature(rawBody, header) {
    if (!header) throw new WebhookRejectedError('missing_signature', 'no Stripe-Signature header');
    let event: unknown;
    try {
      event = Stripe.webhooks.constructEvent(
        rawBody,
        header,
        options.secret,
        options.toleranceSeconds,
      );
    } catch (error) {
      if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
        throw new WebhookRejectedError('invalid_signature', error.message);
      }
      // Signed, but not JSON: nothing Stripe would send.
      throw new WebhookRejectedError('malformed_event', (error as Error).message);
    }
    // constructEvent refuses an old timestamp only; one from the future is as far off.
    const at = signedAt(header);
    const nowSeconds = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
    if (at !== undefined && at - nowSeconds > options.toleranceSeconds) {
      throw new WebhookRejectedError('invalid_signature', 'timestamp is in the future');
    }
    if (!isEventLike(event)) {
      throw new WebhookRejectedError(
        'malformed_event',
        'not a Stripe event (id, type, livemode, data)',
      );
    }
    return event;
  };
}
