import type { Firestore } from '@google-cloud/firestore';
import {
  createApi,
  createUserRegistry,
  PROBLEM_CONTENT_TYPE,
  type VerifyOperator,
} from '@gpuaas/http-api';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { PaymentsContext } from '../operations/payments-context';
import { createStripeEventHandler } from '../webhook/handle-stripe-event';
import { stripeWebhookRoute } from '../webhook/stripe-webhook-route';
import type { VerifyStripeSignature } from '../webhook/verify-signature';
import { creditReconcileFailure } from './credit-reconcile-failure';
import { dismissReconcileFailure } from './dismiss-reconcile-failure';
import { getReconcileFailure } from './get-reconcile-failure';
import { listReconcileFailures } from './list-reconcile-failures';

export interface PaymentsApiOptions {
  context: PaymentsContext;
  firestore: Firestore;
  logger: Logger;
  operators: VerifyOperator;
  verify: VerifyStripeSignature;
  webhookDeadlineMs: number;
  webhookBodyLimitBytes: number;
}

export const operatorRoutes = (context: PaymentsContext) => [
  listReconcileFailures(context),
  getReconcileFailure(context),
  creditReconcileFailure(context),
  dismissReconcileFailure(context),
];

/**
 * The Stripe webhook (its own route: it needs the raw bytes, and Stripe authenticates by
 * signature) beside the operator API on the shared http-api conventions.
 */
export function paymentsApi(options: PaymentsApiOptions): Hono {
  const app = new Hono();
  // Whatever escapes a route is retried by its caller (Stripe too): a 503, never Hono's bare 500.
  app.onError(function paymentsApiError(error, c) {
    options.logger.error({ err: error, path: c.req.path }, 'payments request failed');
    return c.json({ error: 'unavailable' }, 503);
  });
  app.route(
    '/',
    stripeWebhookRoute({
      verify: options.verify,
      handle: createStripeEventHandler(options.context),
      logger: options.logger,
      deadlineMs: options.webhookDeadlineMs,
      bodyLimitBytes: options.webhookBodyLimitBytes,
    }),
  );
  const operatorApi = createApi({
    title: 'Payments operator API',
    version: '1.0.0',
    description:
      'Stripe payments that did not reconcile: list them, credit one by hand or dismiss it. Every resolution is audited.',
    routes: operatorRoutes(options.context),
    principals: { users: createUserRegistry(options.firestore), operators: options.operators },
    logger: options.logger,
    idempotency: { firestore: options.firestore },
  });
  app.route('/', operatorApi);
  app.notFound(
    () =>
      new Response(
        JSON.stringify({
          type: 'urn:gpuaas:problem:not_found',
          title: 'Not found',
          status: 404,
          reason: 'not_found',
          detail: 'no such route',
        }),
        { status: 404, headers: { 'content-type': PROBLEM_CONTENT_TYPE } },
      ),
  );
  return app;
}
