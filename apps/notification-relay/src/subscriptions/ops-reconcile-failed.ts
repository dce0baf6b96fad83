import { Timestamp } from '@google-cloud/firestore';
import { defineSubscription } from '@gpuaas/eventing';
import { opsAlertId } from '../domain/ids';
import { renderOpsAlert } from '../domain/ops-alert';
import { expireAt, pendingState, settledState } from '../store/delivery-state';
import { stageOpsAlert } from '../store/ops-alerts';
import { deliverOnReceipt } from './deliver-on-receipt';
import type { RelayDeps } from './relay-deps';

/** The `ops` consumer of `reconcile_failed`: an alert to the operators' channel, stored first. */
export function opsReconcileFailed(deps: RelayDeps) {
  return defineSubscription({
    consumer: 'ops',
    eventType: 'platform.payments.reconcile_failed',
    handle(event, ctx) {
      const now = Timestamp.now();
      stageOpsAlert(ctx.tx, ctx.firestore, {
        alertId: opsAlertId(ctx.delivery.recordId),
        consumer: 'ops',
        content: renderOpsAlert(event, { replayConsoleUrl: deps.config.replayConsoleUrl }),
        cause: {
          eventType: event.event_type,
          eventId: event.event_id,
          correlationId: event.correlation_id,
        },
        state: deps.config.opsWebhookUrl
          ? pendingState(now)
          : settledState(now, 'disabled', 'ops_webhook_not_configured'),
        createdAt: now,
        expireAt: expireAt(now, deps.config.notificationRetentionDays),
      });
    },
    async followUp(_event, ctx) {
      deliverOnReceipt(deps, ctx, {
        notifications: [],
        opsAlerts: [opsAlertId(ctx.delivery.recordId)],
      });
    },
  });
}
