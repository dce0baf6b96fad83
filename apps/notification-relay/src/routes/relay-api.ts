import { createApi, createUserRegistry, ProblemError, type VerifyOperator } from '@gpuaas/http-api';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { getNotificationSettings } from './get-notification-settings';
import { listNotifications } from './list-notifications';
import { markNotificationRead } from './mark-notification-read';
import { putNotificationSettings } from './put-notification-settings';
import { rotateWebhookSecret } from './rotate-webhook-secret';
import type { RouteDeps } from './route-deps';

// runtime: createApi requires an operator verifier even for an API of user routes only.
const noOperators: VerifyOperator = async () => {
  throw new ProblemError(401, 'unauthenticated', 'this API takes user API keys only');
};

export const relayRoutes = (deps: RouteDeps) => [
  listNotifications(deps),
  markNotificationRead(deps),
  getNotificationSettings(deps),
  putNotificationSettings(deps),
  rotateWebhookSecret(deps),
];

/** The caller's own notifications and settings, with user API keys from the shared registry. */
export function relayApi(deps: RouteDeps, logger: Logger): Hono {
  return createApi({
    title: 'Notification relay API',
    version: '1.0.0',
    description:
      'Your notifications, your channels and your webhook endpoint. Webhooks follow the Standard Webhooks specification.',
    routes: relayRoutes(deps),
    principals: { users: createUserRegistry(deps.firestore), operators: noOperators },
    logger,
  });
}
