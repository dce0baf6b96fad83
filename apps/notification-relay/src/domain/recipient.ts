import type { PayloadOf } from '@gpuaas/contracts';
import type { NotifiedEventType } from './notification';

/** Who a consumed event notifies. */
export type Recipient =
  | { kind: 'user'; userId: string }
  /** A payment that names no account, or one payments could not find: only ops hears of it. */
  | { kind: 'none'; reason: 'no_user' | 'unknown_user' };

export function recipientOf<T extends NotifiedEventType>(
  eventType: T,
  payload: PayloadOf<T>,
): Recipient {
  if (eventType === 'platform.payments.reconcile_failed') {
    const p = payload as PayloadOf<'platform.payments.reconcile_failed'>;
    // An id payments could not match to an account is not someone to write to.
    if (p.reason_code === 'unknown_user') return { kind: 'none', reason: 'unknown_user' };
    if (!p.user_id || p.reason_code === 'missing_user') return { kind: 'none', reason: 'no_user' };
    return { kind: 'user', userId: p.user_id };
  }
  return { kind: 'user', userId: (payload as { user_id: string }).user_id };
}
