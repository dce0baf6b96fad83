import { ProblemError, problemResponse } from '@gpuaas/http-api';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import type { HandledEvent, StripeEventHandler } from './handle-stripe-event';
import {
  type VerifyStripeSignature,
  WebhookRejectedError,
  type WebhookRejection,
} from './verify-signature';

export const STRIPE_WEBHOOK_PATH = '/webhooks/stripe';

export interface StripeWebhookOptions {
  verify: VerifyStripeSignature;
  handle: StripeEventHandler;
  logger: Logger;
  /** Past this the answer is a 503 (Stripe retries); the work may still commit, idempotently. */
  deadlineMs: number;
  bodyLimitBytes: number;
}

const problem = (status: number, reason: string, detail: string) =>
  problemResponse(new ProblemError(status, reason, detail));

/** What a refused webhook is told: enough to fix the sender, nothing of the secret or the HMAC. */
const REJECTION_DETAIL: Record<WebhookRejection, string> = {
  missing_signature: 'the request has no Stripe-Signature header',
  invalid_signature:
    'the Stripe-Signature header does not verify this body with the endpoint secret, or its timestamp is outside the tolerance',
  malformed_event: 'the signed body is not a Stripe event (id, type, livemode, data)',
};

const TIMED_OUT = Symbol('timed out');

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

const logFields = (handled: HandledEvent) => ({
  outcome: handled.outcome,
  ...('reason' in handled ? { reason_code: handled.reason } : {}),
  ...('failureId' in handled ? { failure_id: handled.failureId } : {}),
  ...('previous' in handled ? { previous: handled.previous } : {}),
});

/**
 * `POST /webhooks/stripe`: the signature is checked on the raw bytes before anything else; a
 * refused request writes nothing (400). A processed event answers 200 whatever its outcome; a
 * failure to process it (Firestore down, contention, the deadline) answers 503 so Stripe retries.
 */
export function stripeWebhookRoute(options: StripeWebhookOptions): Hono {
  const { logger } = options;
  const app = new Hono();
  const limit = bodyLimit({
    maxSize: options.bodyLimitBytes,
    onError: () => problem(413, 'body_too_large', `over ${options.bodyLimitBytes} bytes`),
  });

  app.post(STRIPE_WEBHOOK_PATH, limit, async function stripeWebhook(c) {
    const started = Date.now();
    const rawBody = Buffer.from(await c.req.arrayBuffer());
    let event: ReturnType<VerifyStripeSignature>;
    try {
      event = options.verify(rawBody, c.req.header('stripe-signature'));
    } catch (error) {
      if (!(error instanceof WebhookRejectedError)) throw error;
      logger.warn({ reason: error.reason, detail: error.detail }, 'stripe webhook refused');
      return problem(400, error.reason, REJECTION_DETAIL[error.reason]);
    }
    const log = logger.child({ stripe_event_id: event.id, stripe_event_type: event.type });
    const work = options.handle(event);
    try {
      const handled = await withDeadline(work, options.deadlineMs);
      if (handled === TIMED_OUT) {
        // The late result is logged; a retry finds what it committed.
        work.then(
          (late) => log.info({ ...logFields(late), late: true }, 'stripe event processed late'),
          (error: unknown) => log.warn({ err: error }, 'stripe event failed after the deadline'),
        );
        log.warn({ deadline_ms: options.deadlineMs }, 'stripe event not processed in time');
        return c.json({ error: 'deadline_exceeded' }, 503);
      }
      const fields = { ...logFields(handled), duration_ms: Date.now() - started };
      if (handled.outcome === 'unreadable') {
        log.error({ ...fields, problem: handled.problem }, 'stripe credit event cannot be read');
      } else if (handled.outcome === 'ignored') {
        log.info(fields, 'stripe event acknowledged, not handled');
      } else if (handled.outcome === 'reconcile_failed') {
        log.warn(fields, 'stripe event did not reconcile');
      } else {
        log.info(fields, 'stripe event processed');
      }
      return c.json({ received: true, outcome: handled.outcome }, 200);
    } catch (error) {
      log.warn(
        { err: error, duration_ms: Date.now() - started },
        'stripe event failed; Stripe retries',
      );
      return c.json({ error: 'unavailable' }, 503);
    }
  });
  return app;
}
