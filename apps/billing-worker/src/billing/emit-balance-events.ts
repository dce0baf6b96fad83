import type { Emit, EmittedEvent } from '@gpuaas/eventing';
import type { BalanceEmit } from '../domain/balance-state';

/**
 * The flow a user's balance events belong to, whichever charge, credit or tick moved it (that
 * one is their causation): `balance:<user_id>:<currency>`.
 */
export const balanceCorrelationId = (key: { user_id: string; currency: string }): string =>
  `balance:${key.user_id}:${key.currency}`;

/** One event; the switch narrows each payload to its event type. */
function emitOne(emit: Emit, e: BalanceEmit, correlationId: string): EmittedEvent {
  const options = { correlationId };
  switch (e.eventType) {
    case 'platform.billing.low_balance_warning':
      return emit(e.eventType, e.payload, options);
    case 'platform.billing.auto_release_pending':
      return emit(e.eventType, e.payload, options);
    case 'platform.billing.balance_depleted':
      return emit(e.eventType, e.payload, options);
    default:
      return emit(e.eventType, e.payload, options);
  }
}

/** Emits the machine's events in order, in the balance's flow; returns their event ids. */
export function emitBalanceEvents(
  emit: Emit,
  key: { user_id: string; currency: string },
  emits: readonly BalanceEmit[],
): string[] {
  const correlationId = balanceCorrelationId(key);
  return emits.map((e) => emitOne(emit, e, correlationId).event_id);
}
