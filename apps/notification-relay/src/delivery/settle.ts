import {
  type DocumentReference,
  FieldValue,
  Timestamp,
  type Transaction,
} from '@google-cloud/firestore';
import type { DeliveryDecision } from '../domain/delivery-decision';
import type { DeliveryAttemptRecord, DeliveryState, StatusReason } from '../store/delivery-state';
import type { DeliveryOutcome } from './delivery-context';

/** The writes that settle an attempt: its record, the new status, the claim released. */
export function settleWrite(
  tx: Transaction,
  ref: DocumentReference,
  decision: DeliveryDecision,
  attempt: DeliveryAttemptRecord,
  now: Date,
): DeliveryOutcome {
  const at = Timestamp.fromDate(now);
  const common = { attempts: FieldValue.arrayUnion(attempt), claim_owner: null, updated_at: at };
  switch (decision.status) {
    case 'delivered':
      tx.update(ref, {
        ...common,
        status: 'delivered',
        status_reason: null,
        next_attempt_at: null,
        delivered_at: at,
      });
      return 'delivered';
    case 'pending':
      tx.update(ref, {
        ...common,
        status: 'pending',
        next_attempt_at: Timestamp.fromDate(decision.nextAttemptAt),
      });
      return 'retrying';
    case 'failed':
      tx.update(ref, {
        ...common,
        status: 'failed',
        status_reason: decision.reason,
        next_attempt_at: null,
      });
      return 'failed';
    case 'disabled':
      tx.update(ref, {
        ...common,
        status: 'disabled',
        status_reason: decision.reason,
        next_attempt_at: null,
      });
      return 'disabled';
  }
}

/** Settles a claimed delivery without an attempt (nowhere to send it). */
export function disableWrite(
  tx: Transaction,
  ref: DocumentReference,
  reason: StatusReason,
  now: Date,
): DeliveryOutcome {
  tx.update(ref, {
    status: 'disabled',
    status_reason: reason,
    next_attempt_at: null,
    claim_owner: null,
    updated_at: Timestamp.fromDate(now),
  });
  return 'disabled';
}

/** Whether the claim is still this owner's: a claim taken over after it ran out is not. */
export const stillClaimed = (state: DeliveryState | undefined, owner: string) =>
  state !== undefined && state.status === 'pending' && state.claim_owner === owner;
