import type { Firestore } from '@google-cloud/firestore';
import type { Logger } from 'pino';
import type { Usage } from '../domain/usage-line';
import { heldRef, markHeldRejected } from '../store/held-usage';
import { readWindow } from '../store/usage-windows';
import { chargeUsage } from './charge-usage';
import type { Transact } from './evaluate-balance';

export interface HeldRating {
  rated: number;
  rejected: number;
}

/**
 * Rates the intervals a window held before its `active`, each in its own transaction (the
 * window's opening must not grow with them). Idempotent: a rated interval's hold is gone, and its
 * line is found if the hold was not. One that can never be charged keeps its hold, marked.
 */
export async function rateHeldUsage(
  firestore: Firestore,
  transact: Transact,
  allocationId: string,
  ledgerPrefix: string,
  log: Logger,
): Promise<HeldRating> {
  const window = await readWindow(undefined, firestore, allocationId);
  const result: HeldRating = { rated: 0, rejected: 0 };
  if (!window || window.price === null) return result;
  for (const usageEventId of window.held_usage_ids) {
    const snap = await heldRef(firestore, usageEventId).get();
    if (!snap.exists || snap.get('rejection') !== null) continue;
    const usage = snap.get('usage') as Usage;
    const { result: outcome } = await transact(async (tx) => {
      const charged = await chargeUsage(tx, firestore, usage, { ledgerPrefix, fromHold: true });
      if (charged.kind === 'rejected') {
        markHeldRejected(tx, firestore, usageEventId, charged.rejection);
      }
      return charged;
    });
    if (outcome.kind === 'rejected') {
      result.rejected += 1;
      log.error(
        { usage_event_id: usageEventId, rejection: outcome.rejection },
        'held usage cannot be charged; its hold stays, marked, for an operator',
      );
    } else if (outcome.kind === 'charged' || outcome.kind === 'not_charged') {
      result.rated += 1;
    }
  }
  return result;
}
