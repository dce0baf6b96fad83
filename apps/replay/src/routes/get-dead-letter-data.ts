import { Hono } from 'hono';
import type { ReplayContext } from '../app-context';
import { ENTRY_ID } from '../domain/letter-identity';

/** `GET /v1/dead-letters/{id}/data?revision=n`: the exact bytes, for a 10 MB letter too. */
export function deadLetterDataRoute(ctx: ReplayContext): Hono {
  const app = new Hono();
  app.get('/v1/dead-letters/:id/data', async (c) => {
    const id = c.req.param('id');
    const record = ENTRY_ID.test(id) ? await ctx.queries.get(id) : undefined;
    const revision = Number(c.req.query('revision') ?? '0');
    const stored =
      revision === 0
        ? record?.data
        : record?.revisions.find((candidate) => candidate.revision === revision)?.data;
    if (!record || !stored) {
      return c.json(
        {
          type: 'urn:gpuaas:problem:not_found',
          title: 'Not found',
          status: 404,
          detail: 'no such dead letter',
          reason: 'not_found',
        },
        404,
        { 'content-type': 'application/problem+json' },
      );
    }
    const data = await ctx.data.get(record.id, stored);
    return c.body(new Uint8Array(data), 200, {
      'content-type': 'application/octet-stream',
      'x-data-sha256': stored.sha256,
      'cache-control': 'no-store',
    });
  });
  return app;
}
