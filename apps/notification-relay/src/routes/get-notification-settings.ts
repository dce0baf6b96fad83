import { Timestamp } from '@google-cloud/firestore';
import { defineRoute } from '@gpuaas/http-api';
import { settingsRef } from '../store/notification-settings';
import type { RouteDeps } from './route-deps';
import { NotificationSettings } from './schemas';
import { toSettings } from './views';

/** `GET /v1/notification-settings`: channels, the webhook endpoint and its signing secret. */
export const getNotificationSettings = ({ firestore, now }: RouteDeps) =>
  defineRoute({
    method: 'GET',
    path: '/v1/notification-settings',
    summary: 'Read your notification settings',
    tags: ['notification settings'],
    auth: 'user',
    responses: { 200: NotificationSettings },
    async handler({ principal }) {
      const doc = (await settingsRef(firestore, principal.userId).get()).data();
      return { status: 200, body: toSettings(doc, Timestamp.fromDate(now())) };
    },
  });
