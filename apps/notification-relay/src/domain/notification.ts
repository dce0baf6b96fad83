import type { EventType } from '@gpuaas/contracts';

/** The catalog events the relay turns into user notifications (consumer `notification-relay`). */
export const NOTIFIED_EVENT_TYPES = [
  'gpuaas.provisioning.active',
  'gpuaas.provisioning.failed',
  'gpuaas.provisioning.releasing.completed',
  'gpuaas.provisioning.release_failed',
  'platform.billing.low_balance_warning',
  'platform.billing.auto_release_pending',
  'platform.billing.balance_depleted',
  'platform.payments.reconcile_failed',
] as const satisfies readonly EventType[];
export type NotifiedEventType = (typeof NOTIFIED_EVENT_TYPES)[number];

/** What a notification is about; the webhook `type` customers switch on. */
export const NOTIFICATION_KINDS = [
  'allocation.active',
  'allocation.failed',
  'allocation.released',
  'allocation.release_failed',
  'balance.low',
  'balance.auto_release_pending',
  'balance.depleted',
  'payment.reconcile_failed',
  'webhook.endpoint_disabled',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Kinds a user may route to channels of their choice (the endpoint notice is always in-app). */
export const ROUTABLE_KINDS = NOTIFICATION_KINDS.filter(
  (kind): kind is Exclude<NotificationKind, 'webhook.endpoint_disabled'> =>
    kind !== 'webhook.endpoint_disabled',
);
export type RoutableKind = (typeof ROUTABLE_KINDS)[number];

export const CHANNELS = ['in_app', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

export type Severity = 'info' | 'warning' | 'critical';

export interface NotificationLink {
  rel: 'allocation' | 'balance' | 'settings';
  href: string;
}

/** Facts a customer's system can act on without parsing the text. */
export type NotificationDetails = Record<string, string | number | boolean | null | string[]>;

/** A rendered notification, before it is addressed to a channel. */
export interface NotificationContent {
  kind: NotificationKind;
  severity: Severity;
  title: string;
  body: string;
  links: NotificationLink[];
  details: NotificationDetails;
}
