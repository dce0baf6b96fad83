import { type DocumentData, type DocumentReference, Timestamp } from '@google-cloud/firestore';
import { webhookBody } from '../channels/webhook-message';
import { signedHeaders } from '../channels/webhook-signature';
import { judgeAttempt } from '../domain/attempt-outcome';
import { decideDelivery } from '../domain/delivery-decision';
import { judgeEndpoint } from '../domain/endpoint-health';
import { notificationGroupId, notificationId } from '../domain/ids';
import { renderEndpointDisabled } from '../domain/templates';
import { expireAt, settledState } from '../store/delivery-state';
import {
  type NotificationSettingsDoc,
  settingsRef,
  signingSecrets,
} from '../store/notification-settings';
import { type NotificationDoc, notificationRef, stageNotification } from '../store/notifications';
import { attemptRecord } from './attempt-record';
import type { DeliveryContext, DeliveryOutcome } from './delivery-context';
import { disableWrite, settleWrite, stillClaimed } from './settle';

const USER_AGENT = 'gpuaas-notification-relay/1 (Standard Webhooks)';

/**
 * One attempt of a claimed webhook notification: sign it for the user's endpoint as it is now,
 * send it, and settle it with the endpoint's health in one transaction.
 */
export async function deliverWebhook(
  ctx: DeliveryContext,
  claimed: NotificationDoc,
  owner: string,
): Promise<DeliveryOutcome> {
  const { firestore } = ctx;
  const ref = notificationRef(firestore, claimed.notification_id);
  const sRef = settingsRef(firestore, claimed.user_id);
  const endpoint = (await sRef.get()).data()?.webhook ?? null;

  if (endpoint?.status !== 'enabled') {
    return firestore.runTransaction(async (tx) => {
      if (!stillClaimed((await tx.get(ref)).data(), owner)) return 'lost';
      return disableWrite(tx, ref, endpoint ? 'endpoint_disabled' : 'no_endpoint', ctx.now());
    });
  }

  const startedAt = ctx.now();
  const body = webhookBody(claimed);
  const headers = {
    ...signedHeaders(
      claimed.notification_id,
      startedAt,
      body,
      signingSecrets(endpoint, Timestamp.fromDate(startedAt)),
    ),
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
  };
  const result = await ctx.customerPost(endpoint.url, body, headers);
  const verdict = judgeAttempt(result);

  return firestore.runTransaction(async (tx) => {
    const [nSnap, sSnap] = await tx.getAll<DocumentData, DocumentData>(
      ref as DocumentReference,
      sRef as DocumentReference,
    );
    const current = nSnap?.data() as NotificationDoc | undefined;
    if (!current || !stillClaimed(current, owner)) return 'lost';
    const now = ctx.now();
    const attemptsMade = current.attempts.length + 1;
    let decision = decideDelivery(verdict, attemptsMade, ctx.config.retry, now, ctx.random);
    const live = (sSnap?.data() as NotificationSettingsDoc | undefined)?.webhook;
    // The health of the endpoint that was called; a URL changed meanwhile starts afresh.
    if (live && live.url === endpoint.url && live.status === 'enabled') {
      const change = judgeEndpoint(
        { failingSince: live.failing_since?.toDate() ?? null },
        verdict,
        now,
        ctx.config.disableAfterMs,
      );
      const at = Timestamp.fromDate(now);
      if (change.kind === 'failing_since') tx.update(sRef, { 'webhook.failing_since': at });
      if (change.kind === 'recovered') tx.update(sRef, { 'webhook.failing_since': null });
      if (change.kind === 'disable') {
        tx.update(sRef, {
          'webhook.status': 'disabled',
          'webhook.disabled_reason': change.reason,
          'webhook.disabled_at': at,
          'webhook.updated_at': at,
        });
        const failingFor = now.getTime() - (live.failing_since?.toMillis() ?? now.getTime());
        const source = `endpoint_disabled:${current.user_id}:${now.getTime()}`;
        stageNotification(tx, firestore, {
          notificationId: notificationId(source, 'in_app'),
          groupId: notificationGroupId(source),
          userId: current.user_id,
          channel: 'in_app',
          content: renderEndpointDisabled(live.url, change.reason, failingFor, ctx.links),
          cause: {
            eventType: current.event_type,
            eventId: current.event_id,
            correlationId: current.correlation_id,
          },
          state: settledState(at, 'delivered'),
          createdAt: at,
          expireAt: expireAt(at, ctx.config.notificationRetentionDays),
        });
        if (decision.status === 'pending')
          decision = { status: 'disabled', reason: 'endpoint_failing' };
        ctx.log.warn(
          { user_id: current.user_id, reason: change.reason },
          'customer webhook endpoint disabled',
        );
      }
    }
    const attempt = attemptRecord(attemptsMade, startedAt, result, verdict, endpoint.url);
    return settleWrite(tx, ref, decision, attempt, now);
  });
}
