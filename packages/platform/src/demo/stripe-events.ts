import { randomUUID } from 'node:crypto';

const token = () => randomUUID().replaceAll('-', '');

/**
 * A `checkout.session.completed` as Stripe sends it for a paid top-up of `amountMinor` (the
 * currency's minor units), with the metadata the top-up flow puts in the session.
 */
export function paidCheckout(userId: string, amountMinor: number, currency = 'usd') {
  return {
    id: `evt_${token()}`,
    object: 'event',
    api_version: '2025-03-31.basil',
    type: 'checkout.session.completed',
    livemode: false,
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: `cs_test_${token()}`,
        object: 'checkout.session',
        mode: 'payment',
        status: 'complete',
        payment_status: 'paid',
        amount_total: amountMinor,
        currency,
        livemode: false,
        client_reference_id: userId,
        payment_intent: `pi_${token().slice(0, 24)}`,
        metadata: {
          user_id: userId,
          expected_amount_minor: String(amountMinor),
          expected_currency: currency.toUpperCase(),
        },
      },
    },
  };
}
