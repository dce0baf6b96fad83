import { defineRoute, Page, PageQuery } from '@gpuaas/http-api';
import type { ReplayContext } from '../app-context';
import { AuditEntry } from './replay-schemas';

export const listAuditRoute = (ctx: ReplayContext) =>
  defineRoute({
    method: 'GET',
    path: '/v1/audit',
    summary: 'Every replay, repair and discard: who, when, which filter, what counts',
    tags: ['audit'],
    auth: 'operator',
    query: PageQuery,
    responses: { 200: Page(AuditEntry) },
    async handler({ query }) {
      const page = await ctx.audit.list(query);
      return {
        status: 200,
        body: {
          items: page.items.map((item) => ({ ...item, at: item.at.toDate().toISOString() })),
          next_cursor: page.next_cursor,
        },
      };
    },
  });
