import { createApi, type Principals, type ProblemError } from '@gpuaas/http-api';
import { type Context, Hono } from 'hono';
import { operatorAccess } from './access/operator-access';
import type { ReplayContext } from './app-context';
import { consoleApp } from './console/console-app';
import { cancelReplayRoute } from './routes/cancel-replay';
import { countDeadLettersRoute } from './routes/count-dead-letters';
import { createReplayRoute } from './routes/create-replay';
import { discardDeadLettersRoute } from './routes/discard-dead-letters';
import { getDeadLetterRoute } from './routes/get-dead-letter';
import { deadLetterDataRoute } from './routes/get-dead-letter-data';
import { getFlowRoute } from './routes/get-flow';
import { getReplayRoute } from './routes/get-replay';
import { listAuditRoute } from './routes/list-audit';
import { listDeadLettersRoute } from './routes/list-dead-letters';
import { listReplaysRoute } from './routes/list-replays';
import { repairDeadLetterRoute } from './routes/repair-dead-letter';

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
    description:
      'Dead-letter archive: browse, replay, repair and discard; and where any event of a flow is.',
    routes: [
      countDeadLettersRoute(ctx),
      listDeadLettersRoute(ctx),
      getDeadLetterRoute(ctx),
      repairDeadLetterRoute(ctx),
      discardDeadLettersRoute(ctx),
      createReplayRoute(ctx),
      listReplaysRoute(ctx),
      getReplayRoute(ctx),
      cancelReplayRoute(ctx),
      listAuditRoute(ctx),
      getFlowRoute(ctx),
    ],
    bodyLimitBytes: 4 * 1024 * 1024,
    principals,
    logger: ctx.runtime.logger,
    idempotency: { firestore: ctx.runtime.firestore },
  });
  const app = new Hono();
  app.use('/v1/dead-letters/:id/data', operatorAccess({ principals, denied: problemAnswer }));
  app.route('/', deadLetterDataRoute(ctx));
  app.route('/console', consoleApp(ctx, principals));
  app.get('/', (c) => c.redirect('/console', 302));
  app.route('/', api);
  return app;
}
