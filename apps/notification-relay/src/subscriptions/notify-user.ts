import { Timestamp } from '@google-cloud/firestore';
import type { EventOf } from '@gpuaas/contracts';
import { defineSubscription } from '@gpuaas/eventing';
import { USERS_COLLECTION, UserId } from '@gpuaas/http-api';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { notificationGroupId, notificationId, opsAlertId } from '../domain/ids';
import type { Channel, NotifiedEventType } from '../domain/notification';
import { renderOpsAlert } from '../domain/ops-alert';
import { channelsFor } from '../domain/preferences';
import { recipientOf } from '../domain/recipient';
import { renderNotification } from '../domain/templates';
import { type DeliveryState, expireAt, pendingState, settledState } from '../store/delivery-state';
import {
  type NotificationSettingsDoc,
  preferencesOf,
  settingsRef,
} from '../store/notification-settings';
import { stageNotification } from '../store/notifications';
import { stageOpsAlert } from '../store/ops-alerts';
import { deliverOnReceipt } from './deliver-on-receipt';
import type { RelayDeps } from './relay-deps';

const isUserId = TypeCompiler.Compile(UserId);

/** How a channel copy starts: in-app is delivered by being stored; a webhook waits for its attempt. */
function initialState(
  channel: Channel,
  settings: NotificationSettingsDoc | undefined,
  now: Timestamp,
): DeliveryState {
  if (channel === 'in_app') return settledState(now, 'delivered');
  const endpoint = settings?.webhook;
  if (!endpoint) return settledState(now, 'disabled', 'no_endpoint');
  if (endpoint.status !== 'enabled') return settledState(now, 'disabled', 'endpoint_disabled');
  return pendingState(now);
}

/**
 * The `notification-relay` consumer of one event type: renders the notification, addresses it
 * to the user's channels and stores each copy with the dedupe record; `release_failed` also
 * raises an ops alert. Delivery runs from the stored copies, never inside the push.
 */
export function notifyUser<T extends NotifiedEventType>(eventType: T, deps: RelayDeps) {
  return defineSubscription<T>({
    consumer: 'notification-relay',
    eventType,
    async handle(event, ctx) {
      const { tx, firestore } = ctx;
      const source = ctx.delivery.recordId;
      const content = renderNotification(eventType, event.payload, deps.links);
      const recipient = recipientOf(eventType, event.payload);
      const userId =
        recipient.kind === 'user' && isUserId.Check(recipient.userId)
          ? recipient.userId
          : undefined;

      // Reads first: is this someone we know, and where do they want to hear it?
      let settings: NotificationSettingsDoc | undefined;
      let known = false;
      if (userId) {
        const [user, stored] = await tx.getAll(
          firestore.collection(USERS_COLLECTION).doc(userId),
          settingsRef(firestore, userId),
        );
        known = Boolean(user?.exists);
        settings = stored?.data() as NotificationSettingsDoc | undefined;
      }

      const now = Timestamp.now();
      const cause = { eventType, eventId: event.event_id, correlationId: event.correlation_id };
      const expires = expireAt(now, deps.config.notificationRetentionDays);
      if (userId && known) {
        for (const channel of channelsFor(content.kind, preferencesOf(settings))) {
          stageNotification(tx, firestore, {
            notificationId: notificationId(source, channel),
            groupId: notificationGroupId(source),
            userId,
            channel,
            content,
            cause,
            state: initialState(channel, settings, now),
            createdAt: now,
            expireAt: expires,
          });
        }
      } else {
        // Acked, not retried: no one to tell will appear by waiting. Ops alerts still go out.
        ctx.log.warn(
          {
            user_id: recipient.kind === 'user' ? recipient.userId : null,
            reason: recipient.kind === 'none' ? recipient.reason : 'unknown_user',
          },
          'no user to notify',
        );
      }

      if (event.event_type === 'gpuaas.provisioning.release_failed') {
        stageOpsAlert(tx, firestore, {
          alertId: opsAlertId(source),
          consumer: 'notification-relay',
          content: renderOpsAlert(event as EventOf<'gpuaas.provisioning.release_failed'>, {
            replayConsoleUrl: deps.config.replayConsoleUrl,
          }),
          cause,
          state: deps.config.opsWebhookUrl
            ? pendingState(now)
            : settledState(now, 'disabled', 'ops_webhook_not_configured'),
          createdAt: now,
          expireAt: expires,
        });
      }
    },
    async followUp(event, ctx) {
      const source = ctx.delivery.recordId;
      deliverOnReceipt(deps, ctx, {
        notifications: [notificationId(source, 'webhook')],
        opsAlerts:
          event.event_type === 'gpuaas.provisioning.release_failed' ? [opsAlertId(source)] : [],
      });
    },
  });
}
