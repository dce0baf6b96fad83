import { Timestamp } from '@google-cloud/firestore';
import { defineRoute, invalidInput } from '@gpuaas/http-api';
import { newWebhookSecret } from '../channels/webhook-signature';
import { refuseWebhookUrl } from '../domain/webhook-url';
import {
  type NotificationSettingsDoc,
  settingsRef,
  type WebhookEndpointRecord,
} from '../store/notification-settings';
import type { RouteDeps } from './route-deps';
import { NotificationSettings, NotificationSettingsUpdate } from './schemas';
import { toSettings } from './views';

type WebhookInput = NonNullable<NotificationSettingsUpdate['webhook']>;

/** The endpoint after an update: same URL keeps its health, a new one starts afresh. */
function nextEndpoint(
  current: WebhookEndpointRecord | null,
  input: WebhookInput,
  now: Timestamp,
): WebhookEndpointRecord {
  const enabled =
    input.enabled === undefined ? (current ? current.status === 'enabled' : true) : input.enabled;
  const sameUrl = current?.url === input.url;
  const keepsStatus = current && input.enabled === undefined;
  return {
    url: input.url,
    status: enabled ? 'enabled' : 'disabled',
    disabled_reason: enabled ? null : keepsStatus ? current.disabled_reason : 'user',
    disabled_at: enabled ? null : keepsStatus ? current.disabled_at : now,
    failing_since: enabled && sameUrl && keepsStatus ? current.failing_since : null,
    secrets: current?.secrets ?? [
      { secret: newWebhookSecret(), created_at: now, expires_at: null },
    ],
    created_at: current?.created_at ?? now,
    updated_at: now,
  };
}

/**
 * `PUT /v1/notification-settings`: channels (default and per kind) and the webhook endpoint. A new
 * endpoint gets its signing secret here; `enabled: true` re-enables a disabled one.
 */
export const putNotificationSettings = ({ firestore, config, now }: RouteDeps) =>
  defineRoute({
    method: 'PUT',
    path: '/v1/notification-settings',
    summary: 'Change your notification settings',
    tags: ['notification settings'],
    auth: 'user',
    body: NotificationSettingsUpdate,
    responses: { 200: NotificationSettings },
    async handler({ body, principal }) {
      if (body.webhook) {
        const refused = refuseWebhookUrl(body.webhook.url, config.allowInsecureWebhooks);
        if (refused) throw invalidInput('body', '/webhook/url', `webhook url ${refused}`);
      }
      const ref = settingsRef(firestore, principal.userId);
      const doc = await firestore.runTransaction(async (tx) => {
        const current = (await tx.get(ref)).data();
        const at = Timestamp.fromDate(now());
        const existing = current?.webhook ?? null;
        const webhook =
          body.webhook === undefined
            ? existing
            : body.webhook === null
              ? null
              : nextEndpoint(existing, body.webhook, at);
        const wantsWebhook =
          body.channels.includes('webhook') ||
          Object.values(body.event_channels ?? {}).some((channels) =>
            channels?.includes('webhook'),
          );
        if (wantsWebhook && !webhook) {
          throw invalidInput('body', '/webhook', 'the webhook channel needs a webhook endpoint');
        }
        const next: NotificationSettingsDoc = {
          user_id: principal.userId,
          channels: body.channels,
          event_channels: body.event_channels ?? {},
          webhook,
          updated_at: at,
        };
        tx.set(ref, next);
        return next;
      });
      return { status: 200, body: toSettings(doc, Timestamp.fromDate(now())) };
    },
  });
