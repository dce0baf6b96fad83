import { defineRoute, PageQueryWith, paginate } from '@gpuaas/http-api';
import { Type } from '@sinclair/typebox';
import type { NotificationDoc } from '../store/notifications';
import { unreadCount, userNotifications } from '../store/notifications';
import type { RouteDeps } from './route-deps';
import { ChannelName, NotificationList } from './schemas';
import { toNotification } from './views';

/** `GET /v1/notifications`: the caller's notifications, newest first, with the unread count. */
export const listNotifications = ({ firestore }: RouteDeps) =>
  defineRoute({
    method: 'GET',
    path: '/v1/notifications',
    summary: 'List your notifications',
    description:
      'Newest first, every channel unless `channel` is given; `unread_count` counts unread in-app notifications. Needs the index (user_id, created_at DESC), and (user_id, channel, created_at DESC) with `channel`.',
    tags: ['notifications'],
    auth: 'user',
    query: PageQueryWith(Type.Object({ channel: Type.Optional(ChannelName) })),
    responses: { 200: NotificationList },
    async handler({ query, principal }) {
      const [page, unread] = await Promise.all([
        paginate(userNotifications(firestore, principal.userId, query.channel), {
          orderBy: [['created_at', 'desc']],
          limit: query.limit,
          cursor: query.cursor,
          map: (doc) => toNotification(doc.data() as NotificationDoc),
        }),
        unreadCount(firestore, principal.userId),
      ]);
      return { status: 200, body: { ...page, unread_count: unread } };
    },
  });
