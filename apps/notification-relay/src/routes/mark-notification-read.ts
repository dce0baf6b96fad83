import { defineRoute, ownedOrNotFound } from '@gpuaas/http-api';
import { Type } from '@sinclair/typebox';
import { NOTIFICATION_ID_PATTERN } from '../domain/ids';
import { markRead } from '../store/notifications';
import type { RouteDeps } from './route-deps';
import { Notification } from './schemas';
import { toNotification } from './views';

/** `POST /v1/notifications/{notification_id}/read`: once read, it stays read at its first time. */
export const markNotificationRead = ({ firestore }: RouteDeps) =>
  defineRoute({
    method: 'POST',
    path: '/v1/notifications/{notification_id}/read',
    summary: 'Mark a notification read',
    tags: ['notifications'],
    auth: 'user',
    params: Type.Object({ notification_id: Type.String({ pattern: NOTIFICATION_ID_PATTERN }) }),
    responses: { 200: Notification },
    // Marking read twice answers the first read: nothing to replay.
    idempotent: false,
    async handler({ params, principal }) {
      const doc = await markRead(firestore, params.notification_id, principal.userId);
      return { status: 200, body: toNotification(ownedOrNotFound(doc, principal, 'notification')) };
    },
  });
