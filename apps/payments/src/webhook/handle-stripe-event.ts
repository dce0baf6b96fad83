import {
  isCreditEventType,
  readCheckoutSessionEvent,
  type StripeEventLike,
} from '../domain/checkout-session';
import { reconcileSession, unknownUser } from '../domain/reconcile';
import { type AppliedEvent, applyStripeEvent } from '../operations/apply-stripe-event';
import type { PaymentsContext } from '../operations/payments-context';

export type HandledEvent =
  | AppliedEvent
  /** Another event type: acknowledged, nothing to do. */
  | { outcome: 'ignored' }
  /** A credit event whose ids no failure record could carry: acknowledged and logged as an error. */
  | { outcome: 'unreadable'; problem: string };

/** From a verified Stripe event to its outcome: reconcile the session, then apply in one transaction. */
export function createStripeEventHandler(context: PaymentsContext) {
  return async function handleStripeEvent(event: StripeEventLike): Promise<HandledEvent> {
    const type = event.type;
    if (!isCreditEventType(type)) return { outcome: 'ignored' };
    const read = readCheckoutSessionEvent({ ...event, type });
    if (!read.ok) return { outcome: 'unreadable', problem: read.problem };
    const { session } = read;
    let decision = reconcileSession(session, {
      livemode: context.livemode,
      currencies: context.currencies,
    });
    // Users are never deleted, so reading the registry before the transaction is safe.
    if (decision.kind === 'credit' && !(await context.users.exists(decision.userId))) {
      decision = unknownUser(decision);
    }
    return applyStripeEvent(context, session, decision);
  };
}
export type StripeEventHandler = ReturnType<typeof createStripeEventHandler>;
