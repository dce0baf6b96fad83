import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { createIdempotencyStore, type IdempotencyOptions } from '../idempotency/idempotency-store';
import { renderDocsPage } from '../openapi/docs-page';
import { createOpenApiDocument, type OpenApiInfo } from '../openapi/openapi-document';
import type { Principals } from '../principals/principal';
import { createErrorHandler } from '../problem/error-handler';
import { ProblemError } from '../problem/problem-error';
import { problemResponse } from '../problem/problem-response';
import type { Route } from '../route/define-route';
import { RouteDefinitionError } from '../route/route-rules';
import { createRouteHandler } from './route-handler';
import './context-variables';

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export interface ApiOptions extends OpenApiInfo {
  routes: readonly Route[];
  principals: Principals;
  logger: Logger;
  /** Where `Idempotency-Key` answers are kept; required when any route honours the header. */
  idempotency?: IdempotencyOptions;
  bodyLimitBytes?: number;
}

/**
 * A Hono app with the routes, `GET /openapi.json` and `GET /docs`. Every middleware is bound to
 * its route (no `use('*')`), so mounting the app beside push routes changes nothing of theirs.
 */
export function createApi(options: ApiOptions): Hono {
  const { routes, logger } = options;
  const seen = new Set<string>();
  for (const route of routes) {
    if (seen.has(route.id)) throw new RouteDefinitionError(route.id, 'declared twice');
    seen.add(route.id);
    if (route.idempotency && !options.idempotency) {
      throw new RouteDefinitionError(
        route.id,
        'honours Idempotency-Key, but createApi has no idempotency store',
      );
    }
  }
  const idempotency = options.idempotency ? createIdempotencyStore(options.idempotency) : undefined;
  const limit: MiddlewareHandler = bodyLimit({
    maxSize: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    onError: () =>
      problemResponse(
        new ProblemError(
          413,
          'body_too_large',
          `the body exceeds ${options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES} bytes`,
        ),
      ),
  });

  const app = new Hono();
  app.onError(createErrorHandler({ logger }));
  app.notFound(() => problemResponse(new ProblemError(404, 'not_found', 'no such route')));
  for (const route of routes) {
    const handler = createRouteHandler(route, {
      principals: options.principals,
      idempotency,
      logger,
    });
    app.on(route.method, route.honoPath, limit, handler);
  }

  const document = createOpenApiDocument(options, routes);
  const docsPolicy = "default-src 'none'; style-src 'unsafe-inline'";
  app.get('/openapi.json', (c) => c.json(document));
  app.get('/docs', (c) => {
    c.header('content-security-policy', docsPolicy);
    return c.html(renderDocsPage(document));
  });
  return app;
}
