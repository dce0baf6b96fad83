import type { Emit, EmittedEvent } from '@gpuaas/eventing';
import type { BalanceEmit } from '../domain/balance-state';

/** One event; the switch narrows each payload to its event type. */
function emitOne(emit: Emit, e: BalanceEmit): EmittedEvent {
  switch (e.eventType) {
    case 'platform.billing.low_balance_warning':
      return emit(e.eventType, e.payload);
    case 'platform.billing.auto_release_pending':
      return emit(e.eventType, e.payload);
    case 'platform.billing.balance_depleted':
      return emit(e.eventType, e.payload);
    default:
      return emit(e.eventType, e.payload);
  }
}

/** Emits the machine's events in order; returns their event ids. */
export function emitBalanceEvents(emit: Emit, emits: readonly BalanceEmit[]): string[] {
  return emits.map((e) => emitOne(emit, e).event_id);
}
