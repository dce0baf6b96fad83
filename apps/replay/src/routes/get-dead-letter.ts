import { defineRoute, ProblemError } from '@gpuaas/http-api';
import type { ReplayContext } from '../app-context';
import { assessEntries, sentData } from '../browse/assess';
import { detailOf } from '../browse/views';
import { DeadLetterDetail, EntryParams } from './schemas';

export const getDeadLetterRoute = (ctx: ReplayContext) =>
  defineRoute({
    method: 'GET',
    path: '/v1/dead-letters/{dead_letter_id}',
    summary: 'One dead letter: decoded, validated, and whether its consumer already applied it',
    tags: ['dead letters'],
    auth: 'operator',
    params: EntryParams,
    responses: { 200: DeadLetterDetail },
    async handler({ params }) {
      const detail = await deadLetterDetail(ctx, params.dead_letter_id);
      return { status: 200, body: detail };
    },
  });

export async function deadLetterDetail(ctx: ReplayContext, id: string): Promise<DeadLetterDetail> {
  const record = await ctx.queries.get(id);
  if (!record) throw new ProblemError(404, 'not_found', 'no such dead letter');
  const data = await ctx.data.get(record.id, sentData(record));
  const [assessment] = await assessEntries([record], { data: ctx.data, queries: ctx.queries });
  if (!assessment) throw new Error('assessment missing');
  return detailOf(record, data, assessment);
}
