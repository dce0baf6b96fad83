import { defineRoute } from '@gpuaas/http-api';
import type { ReplayContext } from '../app-context';
import { CountsQuery, DeadLetterCounts } from './schemas';

export const countDeadLettersRoute = (ctx: ReplayContext) =>
  defineRoute({
    method: 'GET',
    path: '/v1/dead-letters/counts',
    summary: 'Count dead letters by consumer and reason',
    tags: ['dead letters'],
    auth: 'operator',
    query: CountsQuery,
    responses: { 200: DeadLetterCounts },
    async handler({ query }) {
      const groups = await ctx.queries.counts(query);
      return {
        status: 200,
        body: { groups, total: groups.reduce((sum, group) => sum + group.count, 0) },
      };
    },
  });
