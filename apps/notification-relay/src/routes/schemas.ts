import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { CHANNELS, NOTIFICATION_KINDS, ROUTABLE_KINDS } from '../domain/notification';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const literals = <V extends readonly string[]>(values: V) =>
  Type.Union(values.map((v) => Type.Literal(v)));
const Time = Type.String({ format: 'date-time' });

export const ChannelName = Type.Union(
  CHANNELS.map((c) => Type.Literal(c)),
  { $id: 'Channel' },
);
export type ChannelName = Static<typeof ChannelName>;

export const NotificationLink = Type.Object(
  { rel: literals(['allocation', 'balance', 'settings'] as const), href: Type.String() },
  { $id: 'NotificationLink', additionalProperties: false },
);

export const DeliveryAttempt = Type.Object(
  {
    number: Type.Integer({ minimum: 1 }),
    started_at: Time,
    duration_ms: Type.Integer({ minimum: 0 }),
    outcome: Type.String({
      description:
        'delivered, gone, redirect, client_error, rate_limited, server_error, timeout, network_error, address_refused',
    }),
    status_code: Nullable(Type.Integer()),
    retry_after_ms: Nullable(Type.Integer()),
    response_excerpt: Nullable(Type.String()),
    error: Nullable(Type.String()),
    url: Nullable(Type.String()),
  },
  { $id: 'DeliveryAttempt', additionalProperties: false },
);

export const Notification = Type.Object(
  {
    notification_id: Type.String(),
    group_id: Type.String({ description: 'Shared by the channel copies of one notification' }),
    kind: literals(NOTIFICATION_KINDS),
    channel: ChannelName,
    status: literals(['pending', 'delivered', 'failed', 'disabled'] as const),
    status_reason: Nullable(Type.String()),
    severity: literals(['info', 'warning', 'critical'] as const),
    title: Type.String(),
    body: Type.String(),
    links: Type.Array(NotificationLink),
    details: Type.Record(
      Type.String(),
      Type.Union([
        Type.String(),
        Type.Number(),
        Type.Boolean(),
        Type.Null(),
        Type.Array(Type.String()),
      ]),
    ),
    event_type: Type.String(),
    event_id: Type.String(),
    correlation_id: Type.String(),
    attempts: Type.Array(DeliveryAttempt),
    next_attempt_at: Nullable(Time),
    created_at: Time,
    updated_at: Time,
    delivered_at: Nullable(Time),
    read_at: Nullable(Time),
  },
  { $id: 'Notification', additionalProperties: false },
);
export type Notification = Static<typeof Notification>;

export const NotificationList = Type.Object(
  {
    items: Type.Array(Notification),
    next_cursor: Nullable(Type.String()),
    unread_count: Type.Integer({ minimum: 0, description: 'Unread in-app notifications' }),
  },
  { $id: 'NotificationList', additionalProperties: false },
);

const ChannelList = Type.Array(ChannelName, { uniqueItems: true, maxItems: CHANNELS.length });

export const EventChannels = Type.Object(
  Object.fromEntries(ROUTABLE_KINDS.map((kind) => [kind, Type.Optional(ChannelList)])),
  {
    $id: 'EventChannels',
    additionalProperties: false,
    description: 'Channels per notification kind, where they differ from `channels`',
  },
);

export const WebhookSecretInfo = Type.Object(
  { created_at: Time, expires_at: Nullable(Time) },
  { $id: 'WebhookSecretInfo', additionalProperties: false },
);

export const WebhookEndpoint = Type.Object(
  {
    url: Type.String(),
    status: literals(['enabled', 'disabled'] as const),
    disabled_reason: Nullable(literals(['gone', 'failing', 'user'] as const)),
    disabled_at: Nullable(Time),
    failing_since: Nullable(Time),
    secret: Type.String({
      description:
        'The current signing secret (whsec_…): verify with any Standard Webhooks library',
    }),
    secrets: Type.Array(WebhookSecretInfo, {
      description: 'Every secret that signs now, newest first',
    }),
    created_at: Time,
    updated_at: Time,
  },
  { $id: 'WebhookEndpoint', additionalProperties: false },
);

export const NotificationSettings = Type.Object(
  {
    channels: ChannelList,
    event_channels: EventChannels,
    webhook: Nullable(WebhookEndpoint),
    updated_at: Nullable(Time),
  },
  { $id: 'NotificationSettings', additionalProperties: false },
);
export type NotificationSettings = Static<typeof NotificationSettings>;

export const NotificationSettingsUpdate = Type.Object(
  {
    channels: ChannelList,
    event_channels: Type.Optional(EventChannels),
    webhook: Type.Optional(
      Nullable(
        Type.Object(
          {
            url: Type.String({ minLength: 1, maxLength: 2048 }),
            enabled: Type.Optional(
              Type.Boolean({
                description: 'Omitted: the endpoint keeps its status (a new one is enabled)',
              }),
            ),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  {
    $id: 'NotificationSettingsUpdate',
    additionalProperties: false,
    description: '`webhook` omitted keeps the endpoint; `null` removes it',
  },
);
export type NotificationSettingsUpdate = Static<typeof NotificationSettingsUpdate>;
