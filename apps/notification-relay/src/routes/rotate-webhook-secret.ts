import { Timestamp } from '@google-cloud/firestore';
import { defineRoute, ProblemError } from '@gpuaas/http-api';
import { newWebhookSecret } from '../channels/webhook-signature';
import { settingsRef, type WebhookSecretRecord } from '../store/notification-settings';
import type { RouteDeps } from './route-deps';
import { NotificationSettings } from './schemas';
import { toSettings } from './views';

/** Secrets that may sign at once: the new one and those still in their grace period. */
const MAX_SECRETS = 5;

/**
 * `POST /v1/notification-settings/webhook/rotate-secret`: a new current secret; the previous
 * ones keep signing for `WEBHOOK_SECRET_GRACE`, so receivers can switch without losing a message.
 */
export const rotateWebhookSecret = ({ firestore, config, now }: RouteDeps) =>
  defineRoute({
    method: 'POST',
    path: '/v1/notification-settings/webhook/rotate-secret',
    summary: 'Rotate your webhook signing secret',
    tags: ['notification settings'],
    auth: 'user',
    responses: { 200: NotificationSettings },
    problems: [409],
    // The answer holds a secret, which is never stored; a repeated rotation is harmless.
    idempotent: false,
    async handler({ principal }) {
      const ref = settingsRef(firestore, principal.userId);
      const doc = await firestore.runTransaction(async (tx) => {
        const current = (await tx.get(ref)).data();
        if (!current?.webhook) {
          throw new ProblemError(
            409,
            'webhook_not_configured',
            'no webhook endpoint to rotate a secret of',
          );
        }
        const at = Timestamp.fromDate(now());
        const graceEnd = Timestamp.fromMillis(at.toMillis() + config.secretGraceMs);
        const kept = current.webhook.secrets
          .map(
            (s): WebhookSecretRecord => ({
              ...s,
              expires_at:
                s.expires_at === null || s.expires_at.toMillis() > graceEnd.toMillis()
                  ? graceEnd
                  : s.expires_at,
            }),
          )
          .filter((s) => s.expires_at !== null && s.expires_at.toMillis() > at.toMillis());
        const secrets = [
          { secret: newWebhookSecret(), created_at: at, expires_at: null },
          ...kept,
        ].slice(0, MAX_SECRETS);
        const webhook = { ...current.webhook, secrets, updated_at: at };
        tx.update(ref, { webhook, updated_at: at });
        return { ...current, webhook, updated_at: at };
      });
      return { status: 200, body: toSettings(doc, Timestamp.fromDate(now())) };
    },
  });
