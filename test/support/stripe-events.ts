import { randomUUID } from 'node:crypto';

/** A `checkout.session.completed` as Stripe sends it for a paid top-up of `amountMinor`. */
export function paidCheckout(userId: string, amountMinor: number, currency = 'usd') {
  const session = `cs_test_${randomUUID().replaceAll('-', '')}`;
  return {
    id: `evt_${randomUUID().replaceAll('-', '')}`,
    object: 'event',
    api_version: '2025-03-31.basil',
    type: 'checkout.session.completed',
    livemode: false,
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: session,
        object: 'checkout.session',
        mode: 'payment',
        status: 'complete',
        payment_status: 'paid',
        amount_total: amountMinor,
        currency,
        livemode: false,
        client_reference_id: userId,
        payment_intent: `pi_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
        metadata: {
          user_id: userId,
          expected_amount_minor: String(amountMinor),
          expected_currency: currency.toUpperCase(),
        },
      },
    },
  };
}
