import { judgeAttempt } from '../domain/attempt-outcome';
import { decideDelivery } from '../domain/delivery-decision';
import { type OpsAlertDoc, opsAlertRef } from '../store/ops-alerts';
import { attemptRecord } from './attempt-record';
import type { DeliveryContext, DeliveryOutcome } from './delivery-context';
import { disableWrite, settleWrite, stillClaimed } from './settle';

/** One attempt of a claimed ops alert to the configured incoming webhook. */
export async function deliverOpsAlert(
  ctx: DeliveryContext,
  claimed: OpsAlertDoc,
  owner: string,
): Promise<DeliveryOutcome> {
  const { firestore } = ctx;
  const ref = opsAlertRef(firestore, claimed.alert_id);
  const url = ctx.config.opsWebhookUrl;
  if (!url) {
    return firestore.runTransaction(async (tx) => {
      if (!stillClaimed((await tx.get(ref)).data(), owner)) return 'lost';
      return disableWrite(tx, ref, 'ops_webhook_not_configured', ctx.now());
    });
  }
  const startedAt = ctx.now();
  const result = await ctx.opsPost(url, JSON.stringify(claimed.message), {
    'content-type': 'application/json',
  });
  const verdict = judgeAttempt(result);
  return firestore.runTransaction(async (tx) => {
    const current = (await tx.get(ref)).data();
    if (!current || !stillClaimed(current, owner)) return 'lost';
    const now = ctx.now();
    const attemptsMade = current.attempts.length + 1;
    const decision = decideDelivery(verdict, attemptsMade, ctx.config.retry, now, ctx.random);
    if (decision.status !== 'delivered' && decision.status !== 'pending') {
      ctx.log.error(
        { alert_id: current.alert_id, event_id: current.event_id, status: decision.status },
        'ops alert could not be delivered',
      );
    }
    return settleWrite(
      tx,
      ref,
      decision,
      attemptRecord(attemptsMade, startedAt, result, verdict, redact(url)),
      now,
    );
  });
}

/** Incoming-webhook URLs carry their secret in the path: keep only the origin in the trail. */
const redact = (url: string) => `${new URL(url).origin}/…`;
