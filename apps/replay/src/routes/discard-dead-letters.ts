import { defineRoute } from '@gpuaas/http-api';
import type { ReplayContext } from '../app-context';
import { discardEntries } from '../replays/discard';
import { DiscardRequest, DiscardResult } from './replay-schemas';

export const discardDeadLettersRoute = (ctx: ReplayContext) =>
  defineRoute({
    method: 'POST',
    path: '/v1/discards',
    summary: 'Discard parked dead letters by ids or by filter, with a reason',
    tags: ['dead letters'],
    auth: 'operator',
    body: DiscardRequest,
    responses: { 200: DiscardResult },
    async handler({ body, principal }) {
      const result = await discardEntries(
        ctx,
        {
          ...(body.ids ? { ids: body.ids } : {}),
          ...(body.filter ? { filter: body.filter } : {}),
          reason: body.reason,
          dryRun: body.dry_run ?? false,
        },
        principal.email,
      );
      return {
        status: 200,
        body: {
          dry_run: result.dryRun,
          discarded: result.discarded.length,
          not_parked: result.notParked,
          not_found: result.notFound,
          ids: result.discarded.slice(0, 1000),
        },
      };
    },
  });
