import type { Timestamp } from '@google-cloud/firestore';
import { DEFAULT_PREFERENCES } from '../domain/preferences';
import type { NotificationSettingsDoc } from '../store/notification-settings';
import { signingSecrets } from '../store/notification-settings';
import type { NotificationDoc } from '../store/notifications';
import type { Notification, NotificationSettings } from './schemas';

const iso = (t: Timestamp) => t.toDate().toISOString();
const isoOrNull = (t: Timestamp | null | undefined) => (t ? iso(t) : null);

export function toNotification(n: NotificationDoc): Notification {
  return {
    notification_id: n.notification_id,
    group_id: n.group_id,
    kind: n.kind,
    channel: n.channel,
    status: n.status,
    status_reason: n.status_reason,
    severity: n.severity,
    title: n.title,
    body: n.body,
    links: n.links,
    details: n.details,
    event_type: n.event_type,
    event_id: n.event_id,
    correlation_id: n.correlation_id,
    attempts: n.attempts.map((a) => ({
      number: a.number,
      started_at: iso(a.started_at),
      duration_ms: a.duration_ms,
      outcome: a.outcome,
      status_code: a.status_code,
      retry_after_ms: a.retry_after_ms,
      response_excerpt: a.response_excerpt,
      error: a.error,
      url: a.url,
    })),
    // While an attempt runs, its due time is its claim's end: not a time the caller can plan on.
    next_attempt_at: n.status === 'pending' && !n.claim_owner ? isoOrNull(n.next_attempt_at) : null,
    created_at: iso(n.created_at),
    updated_at: iso(n.updated_at),
    delivered_at: isoOrNull(n.delivered_at),
    read_at: isoOrNull(n.read_at),
  };
}

export function toSettings(
  doc: NotificationSettingsDoc | undefined,
  now: Timestamp,
): NotificationSettings {
  if (!doc) {
    return {
      channels: [...DEFAULT_PREFERENCES.channels],
      event_channels: {},
      webhook: null,
      updated_at: null,
    };
  }
  const w = doc.webhook;
  const live = w
    ? w.secrets.filter((s) => s.expires_at === null || s.expires_at.toMillis() > now.toMillis())
    : [];
  return {
    channels: doc.channels,
    event_channels: doc.event_channels ?? {},
    webhook: w
      ? {
          url: w.url,
          status: w.status,
          disabled_reason: w.disabled_reason,
          disabled_at: isoOrNull(w.disabled_at),
          failing_since: isoOrNull(w.failing_since),
          secret: signingSecrets(w, now)[0] ?? '',
          secrets: live.map((s) => ({
            created_at: iso(s.created_at),
            expires_at: isoOrNull(s.expires_at),
          })),
          created_at: iso(w.created_at),
          updated_at: iso(w.updated_at),
        }
      : null,
    updated_at: iso(doc.updated_at),
  };
}
