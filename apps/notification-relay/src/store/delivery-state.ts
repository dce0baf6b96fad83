import { Timestamp } from '@google-cloud/firestore';
import type { AttemptFailure } from '../domain/attempt-outcome';
import type { DeliveryStatus } from '../domain/delivery-decision';

/** One attempt and the answer it got, as stored (the audit trail of a delivery). */
export interface DeliveryAttemptRecord {
  number: number;
  started_at: Timestamp;
  duration_ms: number;
  outcome: 'delivered' | 'gone' | AttemptFailure;
  status_code: number | null;
  retry_after_ms: number | null;
  /** The first bytes of the answer's body, for the customer debugging their endpoint. */
  response_excerpt: string | null;
  error: string | null;
  /** The endpoint as it was at that attempt. */
  url: string | null;
}

/** Why a delivery is where it is, when that is not obvious from its status. */
export type StatusReason =
  | 'no_endpoint'
  | 'endpoint_disabled'
  | 'endpoint_gone'
  | 'endpoint_failing'
  | 'attempts_exhausted'
  | 'ops_webhook_not_configured';

/** What every delivered document (notification, ops alert) carries for the delivery task. */
export interface DeliveryState {
  status: DeliveryStatus;
  status_reason: StatusReason | null;
  attempts: DeliveryAttemptRecord[];
  /** Due time of the next attempt; a claim moves it to the claim's end. Null once settled. */
  next_attempt_at: Timestamp | null;
  /** The tick (or receipt) holding the current attempt. */
  claim_owner: string | null;
  delivered_at: Timestamp | null;
  updated_at: Timestamp;
}

export function pendingState(now: Timestamp): DeliveryState {
  return {
    status: 'pending',
    status_reason: null,
    attempts: [],
    next_attempt_at: now,
    claim_owner: null,
    delivered_at: null,
    updated_at: now,
  };
}

export function settledState(
  now: Timestamp,
  status: 'delivered' | 'disabled',
  reason: StatusReason | null = null,
): DeliveryState {
  return {
    status,
    status_reason: reason,
    attempts: [],
    next_attempt_at: null,
    claim_owner: null,
    delivered_at: status === 'delivered' ? now : null,
    updated_at: now,
  };
}

export const expireAt = (now: Timestamp, retentionDays: number): Timestamp =>
  Timestamp.fromMillis(now.toMillis() + retentionDays * 86_400_000);
