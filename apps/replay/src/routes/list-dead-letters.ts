import { defineRoute, Page } from '@gpuaas/http-api';
import type { ReplayContext } from '../app-context';
import { summaryOf } from '../browse/views';
import { DeadLetterListQuery, DeadLetterSummary } from './schemas';

export const listDeadLettersRoute = (ctx: ReplayContext) =>
  defineRoute({
    method: 'GET',
    path: '/v1/dead-letters',
    summary: 'List archived dead letters, newest first',
    tags: ['dead letters'],
    auth: 'operator',
    query: DeadLetterListQuery,
    responses: { 200: Page(DeadLetterSummary) },
    async handler({ query }) {
      const { limit, cursor, ...filter } = query;
      const page = await ctx.queries.list(filter, { limit, cursor });
      return {
        status: 200,
        body: { items: page.items.map(summaryOf), next_cursor: page.next_cursor },
      };
    },
  });
