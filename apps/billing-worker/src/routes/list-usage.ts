import { defineRoute, Page, paginate } from '@gpuaas/http-api';
import { linesOf, toUsageLine } from '../store/usage-lines';
import type { RouteDeps } from './route-deps';
import { UsageLine, UsageQuery } from './schemas';
import { subjectUser } from './subject-user';

export const listUsage = (deps: RouteDeps) =>
  defineRoute({
    method: 'GET',
    path: '/v1/usage',
    summary: 'Your rated usage lines, newest interval first',
    description:
      'One line per usage event: billed seconds, amount and, where billing stopped (a failed release) or an increment was already billed, why it charges less.',
    tags: ['billing'],
    auth: 'user_or_operator',
    query: UsageQuery,
    responses: { 200: Page(UsageLine) },
    async handler({ query, principal }) {
      const userId = await subjectUser(principal, query.user_id, deps.registry);
      const page = await paginate(linesOf(deps.firestore, userId, query.allocation_id), {
        orderBy: [['interval_start_at', 'desc']],
        limit: query.limit,
        cursor: query.cursor,
        map: (doc) => {
          const { user_id: _u, ...line } = toUsageLine(doc.data());
          return line;
        },
      });
      return { status: 200, body: page };
    },
  });
