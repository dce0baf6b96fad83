import {
  type DocumentReference,
  type Firestore,
  type Query,
  Timestamp,
  type Transaction,
} from '@google-cloud/firestore';
import type {
  Channel,
  NotificationContent,
  NotificationDetails,
  NotificationKind,
  NotificationLink,
  Severity,
} from '../domain/notification';
import { NOTIFICATIONS } from './collections';
import type { DeliveryState } from './delivery-state';

/** `notifications/{notification_id}`: one notification to one user on one channel. */
export interface NotificationDoc extends DeliveryState {
  notification_id: string;
  /** Shared by the channel copies of one notification. */
  group_id: string;
  user_id: string;
  channel: Channel;
  kind: NotificationKind;
  /** The event it tells of; a notice the relay raised itself carries its cause's. */
  event_type: string;
  event_id: string;
  correlation_id: string;
  severity: Severity;
  title: string;
  body: string;
  links: NotificationLink[];
  details: NotificationDetails;
  created_at: Timestamp;
  read_at: Timestamp | null;
  /** Firestore TTL field. */
  expire_at: Timestamp;
}

export interface NewNotification {
  notificationId: string;
  groupId: string;
  userId: string;
  channel: Channel;
  content: NotificationContent;
  cause: { eventType: string; eventId: string; correlationId: string };
  state: DeliveryState;
  createdAt: Timestamp;
  expireAt: Timestamp;
}

export const notificationsOf = (firestore: Firestore) => firestore.collection(NOTIFICATIONS);

export const notificationRef = (firestore: Firestore, id: string) =>
  notificationsOf(firestore).doc(id) as DocumentReference<NotificationDoc>;

export function notificationDoc(n: NewNotification): NotificationDoc {
  return {
    ...n.state,
    notification_id: n.notificationId,
    group_id: n.groupId,
    user_id: n.userId,
    channel: n.channel,
    kind: n.content.kind,
    event_type: n.cause.eventType,
    event_id: n.cause.eventId,
    correlation_id: n.cause.correlationId,
    severity: n.content.severity,
    title: n.content.title,
    body: n.content.body,
    links: n.content.links,
    details: n.content.details,
    created_at: n.createdAt,
    read_at: null,
    expire_at: n.expireAt,
  };
}

/** Writes a notification inside the given transaction (its id is deterministic, so a set is safe). */
export function stageNotification(tx: Transaction, firestore: Firestore, n: NewNotification): void {
  tx.set(notificationRef(firestore, n.notificationId), notificationDoc(n));
}

export async function findNotification(
  firestore: Firestore,
  id: string,
): Promise<NotificationDoc | undefined> {
  const snap = await notificationRef(firestore, id).get();
  return snap.exists ? (snap.data() as NotificationDoc) : undefined;
}

/** Marks a user's notification read (the first time only); undefined when it is not theirs. */
export async function markRead(
  firestore: Firestore,
  id: string,
  userId: string,
): Promise<NotificationDoc | undefined> {
  const ref = notificationRef(firestore, id);
  return firestore.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const doc = snap.data();
    if (!doc || doc.user_id !== userId) return undefined;
    if (doc.read_at) return doc;
    const readAt = Timestamp.now();
    tx.update(ref, { read_at: readAt });
    return { ...doc, read_at: readAt };
  });
}

/** A user's notifications, optionally of one channel (ordering is added by the caller). */
export function userNotifications(firestore: Firestore, userId: string, channel?: Channel): Query {
  const mine = notificationsOf(firestore).where('user_id', '==', userId);
  return channel ? mine.where('channel', '==', channel) : mine;
}

/** In-app notifications the user has not read. */
export async function unreadCount(firestore: Firestore, userId: string): Promise<number> {
  const snap = await userNotifications(firestore, userId, 'in_app')
    .where('read_at', '==', null)
    .count()
    .get();
  return snap.data().count;
}
