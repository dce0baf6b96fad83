import { defineRoute, Page, PageQuery } from '@gpuaas/http-api';
import type { ReplayContext } from '../app-context';
import { replayView } from '../replays/replay-view';
import { Replay } from './replay-schemas';

export const listReplaysRoute = (ctx: ReplayContext) =>
  defineRoute({
    method: 'GET',
    path: '/v1/replays',
    summary: 'The last replays, newest first',
    tags: ['replays'],
    auth: 'operator',
    query: PageQuery,
    responses: { 200: Page(Replay) },
    async handler({ query }) {
      const page = await ctx.replays.list(query);
      return {
        status: 200,
        body: { items: page.items.map(replayView), next_cursor: page.next_cursor },
      };
    },
  });
