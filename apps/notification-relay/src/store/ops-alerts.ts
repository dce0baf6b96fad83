import type { DocumentReference, Firestore, Timestamp, Transaction } from '@google-cloud/firestore';
import type { OpsAlertContent } from '../domain/ops-alert';
import { OPS_ALERTS } from './collections';
import type { DeliveryState } from './delivery-state';

/** `ops_alerts/{alert_id}`: an alert to the operators' channel, with its delivery. */
export interface OpsAlertDoc extends DeliveryState {
  alert_id: string;
  /** The consumer whose subscription raised it (`ops`, or `notification-relay` for releases). */
  consumer: string;
  kind: OpsAlertContent['kind'];
  event_type: string;
  event_id: string;
  correlation_id: string;
  reason: string;
  stripe_event_id: string | null;
  payment_session_id: string | null;
  allocation_id: string | null;
  user_id: string | null;
  replay_url: string | null;
  /** The incoming-webhook payload as sent. */
  message: OpsAlertContent['message'];
  created_at: Timestamp;
  expire_at: Timestamp;
}

export const opsAlertsOf = (firestore: Firestore) => firestore.collection(OPS_ALERTS);

export const opsAlertRef = (firestore: Firestore, id: string) =>
  opsAlertsOf(firestore).doc(id) as DocumentReference<OpsAlertDoc>;

export interface NewOpsAlert {
  alertId: string;
  consumer: string;
  content: OpsAlertContent;
  cause: { eventType: string; eventId: string; correlationId: string };
  state: DeliveryState;
  createdAt: Timestamp;
  expireAt: Timestamp;
}

export function stageOpsAlert(tx: Transaction, firestore: Firestore, alert: NewOpsAlert): void {
  const { content } = alert;
  const doc: OpsAlertDoc = {
    ...alert.state,
    alert_id: alert.alertId,
    consumer: alert.consumer,
    kind: content.kind,
    event_type: alert.cause.eventType,
    event_id: alert.cause.eventId,
    correlation_id: alert.cause.correlationId,
    reason: content.reason,
    stripe_event_id: content.stripeEventId,
    payment_session_id: content.paymentSessionId,
    allocation_id: content.allocationId,
    user_id: content.userId,
    replay_url: content.replayUrl,
    message: content.message,
    created_at: alert.createdAt,
    expire_at: alert.expireAt,
  };
  tx.set(opsAlertRef(firestore, alert.alertId), doc);
}
