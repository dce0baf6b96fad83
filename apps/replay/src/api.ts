import { createApi, type Principals, type ProblemError } from '@gpuaas/http-api';
import { type Context, Hono } from 'hono';
import { operatorAccess } from './access/operator-access';
import type { ReplayContext } from './app-context';
import { countDeadLettersRoute } from './routes/count-dead-letters';
import { getDeadLetterRoute } from './routes/get-dead-letter';
import { deadLetterDataRoute } from './routes/get-dead-letter-data';
import { listDeadLettersRoute } from './routes/list-dead-letters';

export const problemAnswer = (c: Context, problem: ProblemError) =>
  c.body(JSON.stringify(problem.toProblem()), problem.status as 401, {
    'content-type': 'application/problem+json',
    ...problem.headers,
  });

/** The operator API (JSON, OpenAPI at /openapi.json) beside the raw data route and the console. */
export function replayApi(ctx: ReplayContext, principals: Principals): Hono {
  const api = createApi({
    title: 'Replay API',
    version: '1.0.0',
    description: 'Dead-letter archive: browse, replay, repair and discard.',
    routes: [countDeadLettersRoute(ctx), listDeadLettersRoute(ctx), getDeadLetterRoute(ctx)],
    principals,
    logger: ctx.runtime.logger,
    idempotency: { firestore: ctx.runtime.firestore },
  });
  const app = new Hono();
  app.use('/v1/dead-letters/:id/data', operatorAccess({ principals, denied: problemAnswer }));
  app.route('/', deadLetterDataRoute(ctx));
  app.route('/', api);
  return app;
}
