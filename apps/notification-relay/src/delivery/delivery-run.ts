import { randomUUID } from 'node:crypto';
import { type DocumentSnapshot, Timestamp } from '@google-cloud/firestore';
import { describeError } from '@gpuaas/eventing';
import { pickFairly } from '../domain/fair-pick';
import { claimDue, findDue } from '../store/delivery-claims';
import type { NotificationDoc } from '../store/notifications';
import { notificationRef, notificationsOf } from '../store/notifications';
import type { OpsAlertDoc } from '../store/ops-alerts';
import { opsAlertRef, opsAlertsOf } from '../store/ops-alerts';
import { deliverOpsAlert } from './deliver-ops-alert';
import { deliverWebhook } from './deliver-webhook';
import type { DeliveryContext, DeliveryOutcome } from './delivery-context';

/** What one pass did; `error` counts deliveries whose settling failed (their claim runs out). */
export type PassResult = { due: number; claimed: number } & Record<
  DeliveryOutcome | 'error',
  number
>;

export interface DeliveryRun {
  /** Claims due deliveries (fairly across users) and attempts them all at once. */
  tick(): Promise<PassResult>;
  /** Attempts these deliveries now if they are due (the first attempt, right after receipt). */
  deliverNow(ids: {
    notifications: readonly string[];
    opsAlerts: readonly string[];
  }): Promise<PassResult>;
}

type Claimable =
  | { kind: 'notification'; snap: DocumentSnapshot }
  | { kind: 'ops_alert'; snap: DocumentSnapshot };

const emptyResult = (due: number): PassResult => ({
  due,
  claimed: 0,
  delivered: 0,
  retrying: 0,
  failed: 0,
  disabled: 0,
  lost: 0,
  error: 0,
});

export function createDeliveryRun(ctx: DeliveryContext): DeliveryRun {
  const { firestore, config, log } = ctx;

  const attempt = async (item: Claimable, owner: string): Promise<DeliveryOutcome | 'error'> => {
    try {
      const outcome =
        item.kind === 'notification'
          ? await deliverWebhook(ctx, item.snap.data() as NotificationDoc, owner)
          : await deliverOpsAlert(ctx, item.snap.data() as OpsAlertDoc, owner);
      // Another tick took the attempt over after this claim ran out: it may be sent twice.
      if (outcome === 'lost')
        log.warn({ id: item.snap.id }, 'claim ran out before the attempt settled');
      return outcome;
    } catch (error) {
      log.warn(
        { err: describeError(error), id: item.snap.id },
        'delivery not settled; its claim runs out',
      );
      return 'error';
    }
  };

  /** Claims each item (losers are skipped), then runs every won attempt concurrently. */
  const run = async (items: Claimable[], due: number): Promise<PassResult> => {
    const owner = randomUUID();
    const now = Timestamp.fromDate(ctx.now());
    const won = await Promise.all(
      items.map(async (item) =>
        (await claimDue(item.snap, owner, now, config.claimMs)) ? item : undefined,
      ),
    );
    const claimed = won.filter((item): item is Claimable => item !== undefined);
    const outcomes = await Promise.all(claimed.map((item) => attempt(item, owner)));
    const result = emptyResult(due);
    result.claimed = claimed.length;
    for (const outcome of outcomes) result[outcome] += 1;
    return result;
  };

  return {
    async tick() {
      const now = Timestamp.fromDate(ctx.now());
      // Read more than a tick takes, so fairness has something to choose from.
      const [notifications, alerts] = await Promise.all([
        findDue(notificationsOf(firestore), now, config.batchSize * 4),
        findDue(opsAlertsOf(firestore), now, config.batchSize),
      ]);
      const fair = pickFairly(
        notifications,
        (snap) => String(snap.get('user_id')),
        config.batchSize,
        config.perUserPerTick,
      );
      return run(
        [
          ...fair.map((snap) => ({ kind: 'notification' as const, snap })),
          ...alerts.map((snap) => ({ kind: 'ops_alert' as const, snap })),
        ],
        notifications.length + alerts.length,
      );
    },

    async deliverNow(ids) {
      const refs = [
        ...ids.notifications.map((id) => ({
          kind: 'notification' as const,
          ref: notificationRef(firestore, id),
        })),
        ...ids.opsAlerts.map((id) => ({
          kind: 'ops_alert' as const,
          ref: opsAlertRef(firestore, id),
        })),
      ];
      if (refs.length === 0) return emptyResult(0);
      const snaps = await firestore.getAll(...refs.map((r) => r.ref));
      const items = snaps.flatMap((snap, i): Claimable[] => {
        const kind = refs[i]?.kind;
        return snap.exists && kind ? [{ kind, snap }] : [];
      });
      return run(items, items.length);
    },
  };
}
