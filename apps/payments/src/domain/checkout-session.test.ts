import { describe, expect, it } from 'vitest';
import { isCreditEventType, readCheckoutSessionEvent } from './checkout-session';

const event = (object: Record<string, unknown>, id = 'evt_1') => ({
  id,
  type: 'checkout.session.completed' as const,
  livemode: false,
  data: { object: { object: 'checkout.session', id: 'cs_test_1', ...object } },
});

describe('readCheckoutSessionEvent', () => {
  it('takes the user from metadata.user_id, else client_reference_id', () => {
    const both = readCheckoutSessionEvent(
      event({ metadata: { user_id: 'meta-user' }, client_reference_id: 'ref-user' }),
    );
    expect(both.ok && both.session.userId).toBe('meta-user');
    const ref = readCheckoutSessionEvent(event({ metadata: {}, client_reference_id: 'ref-user' }));
    expect(ref.ok && ref.session.userId).toBe('ref-user');
    const none = readCheckoutSessionEvent(event({ metadata: { user_id: '  ' } }));
    expect(none.ok && none.session.userId).toBeUndefined();
  });

  it('reads the payment intent as an id or an expanded object', () => {
    const id = readCheckoutSessionEvent(event({ payment_intent: 'pi_123' }));
    expect(id.ok && id.session.paymentIntentId).toBe('pi_123');
    const expanded = readCheckoutSessionEvent(event({ payment_intent: { id: 'pi_456' } }));
    expect(expanded.ok && expanded.session.paymentIntentId).toBe('pi_456');
    const absent = readCheckoutSessionEvent(event({ payment_intent: null }));
    expect(absent.ok && absent.session.paymentIntentId).toBeUndefined();
  });

  it('refuses what no failure record could name', () => {
    expect(readCheckoutSessionEvent(event({}, 'not-an-event')).ok).toBe(false);
    expect(readCheckoutSessionEvent(event({ id: 'pi_1' })).ok).toBe(false);
    expect(readCheckoutSessionEvent(event({ object: 'payment_intent' })).ok).toBe(false);
  });

  it('knows the two credit event types only', () => {
    expect(isCreditEventType('checkout.session.completed')).toBe(true);
    expect(isCreditEventType('checkout.session.async_payment_succeeded')).toBe(true);
    expect(isCreditEventType('payment_intent.succeeded')).toBe(false);
    expect(isCreditEventType('checkout.session.async_payment_failed')).toBe(false);
  });
});
