import type { Firestore, Transaction } from '@google-cloud/firestore';
import { LedgerError } from '@gpuaas/ledger';
import {
  isRejection,
  rateUsage,
  rejectionOf,
  type Usage,
  type UsageLine,
  type UsageRejection,
} from '../domain/usage-line';
import { holdUsage } from '../domain/usage-window';
import { holdUsageDoc, readHeld, releaseHeld } from '../store/held-usage';
import { ledgerFor } from '../store/ledger';
import { createLine } from '../store/usage-lines';
import { readWindowAndLine, writeWindow } from '../store/usage-windows';
import { usageChargeInput } from './usage-charge-input';

export type ChargeOutcome =
  | { kind: 'charged' | 'not_charged'; line: UsageLine }
  /** The window awaits `active`: the interval is held and rated when it opens. */
  | { kind: 'held' }
  | { kind: 'already_rated' }
  | { kind: 'rejected'; rejection: UsageRejection };

export interface ChargeOptions {
  ledgerPrefix: string;
  /** Rating a held interval (from the window's opening) rather than a delivery. */
  fromHold?: boolean;
}

/**
 * One usage interval inside `tx`: reads its window (shared: no charge writes it), its line and
 * the ledger transaction, then writes the rated line and the ledger posting, or holds the
 * interval on a window still awaiting `active`. No per-user document is read or written.
 */
export async function chargeUsage(
  tx: Transaction,
  firestore: Firestore,
  usage: Usage,
  options: ChargeOptions,
): Promise<ChargeOutcome> {
  const { window, lineExists: rated } = await readWindowAndLine(
    tx,
    firestore,
    usage.resource_id,
    usage.usage_event_id,
  );
  const held = options.fromHold ? await readHeld(tx, firestore, usage.usage_event_id) : undefined;
  const release = () => {
    if (held) releaseHeld(tx, firestore, usage.usage_event_id);
  };
  if (rated) {
    release();
    return { kind: 'already_rated' };
  }
  const rejection = rejectionOf(usage, window);
  if (rejection) return { kind: 'rejected', rejection };
  if (!window || window.price === null) {
    // Writing the window makes a concurrent `active` and this hold serialise on one document.
    holdUsageDoc(tx, firestore, usage);
    writeWindow(tx, firestore, holdUsage(window, usage));
    return { kind: 'held' };
  }
  const line = rateUsage(usage, window, options.fromHold === true);
  if (line === null) throw new Error('an open window without a rating window');
  if (isRejection(line)) return { kind: 'rejected', rejection: line };
  if (line.status === 'charged') {
    try {
      const prepared = await ledgerFor(firestore, options.ledgerPrefix).prepare(
        tx,
        usageChargeInput(line),
      );
      prepared.write();
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error;
      return { kind: 'rejected', rejection: { reason: 'ledger_refused', detail: error.message } };
    }
  }
  createLine(tx, firestore, line);
  release();
  return { kind: line.status, line };
}
