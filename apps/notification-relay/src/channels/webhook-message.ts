import type { NotificationDoc } from '../store/notifications';

/**
 * The body a customer endpoint receives, in the Standard Webhooks shape `{type, timestamp, data}`.
 * Rendered from the stored notification only, so every retry sends the same bytes.
 */
export function webhookBody(n: NotificationDoc): string {
  return JSON.stringify({
    type: n.kind,
    timestamp: n.created_at.toDate().toISOString(),
    data: {
      notification_id: n.notification_id,
      group_id: n.group_id,
      kind: n.kind,
      severity: n.severity,
      title: n.title,
      body: n.body,
      links: n.links,
      details: n.details,
      event_type: n.event_type,
      event_id: n.event_id,
      correlation_id: n.correlation_id,
      created_at: n.created_at.toDate().toISOString(),
    },
  });
}
