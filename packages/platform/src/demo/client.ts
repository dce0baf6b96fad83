import type { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { type ServiceName, tasksOf } from '@gpuaas/topology/services';
import Stripe from 'stripe';
import { LOCAL_SECRETS } from '../local-env';

/** A running platform as the demo reaches it: each app's URL and the emulators' clients. */
export interface PlatformTarget {
  urls: Record<ServiceName, string>;
  firestore: Firestore;
  pubsub: PubSub;
  /** The Stripe webhook signing secret payments verifies with (the local one by default). */
  stripeWebhookSecret?: string;
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
}

/** A step's expectation that did not hold: the demo stops and says which and why. */
export class StepFailed extends Error {}

/** The platform's HTTP APIs, as a user (with an API key) or as the local operator. */
export class PlatformClient {
  constructor(readonly target: PlatformTarget) {}

  async call<T = Record<string, unknown>>(
    app: ServiceName,
    method: string,
    path: string,
    options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer<T>> {
    const res = await fetch(`${this.target.urls[app]}${path}`, {
      method,
      headers: {
        ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: kept as text.
    }
    return { status: res.status, body: body as T };
  }

  /** Like `call`, but an answer other than `expected` fails the step with the problem shown. */
  async expect<T = Record<string, unknown>>(
    expected: number,
    app: ServiceName,
    method: string,
    path: string,
    options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const answer = await this.call<T>(app, method, path, options);
    if (answer.status !== expected) {
      throw new StepFailed(
        `${method} ${app}${path} answered ${answer.status}, not ${expected}: ${JSON.stringify(answer.body)}`,
      );
    }
    return answer.body;
  }

  /** What Cloud Scheduler does: one tick of one task of one app. */
  async tick(app: ServiceName, task: string): Promise<void> {
    const found = tasksOf(app).find((t) => t.name === task);
    if (!found) throw new Error(`${app} has no task ${task}`);
    await this.expect(200, app, 'POST', found.path);
  }

  /** A Stripe webhook as Stripe sends it: the raw body signed with the signing secret. */
  async stripeWebhook(event: object): Promise<Answer> {
    const payload = JSON.stringify(event);
    const header = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: this.target.stripeWebhookSecret ?? (LOCAL_SECRETS.STRIPE_WEBHOOK_SECRET as string),
    });
    const res = await fetch(`${this.target.urls.payments}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
      body: payload,
    });
    return { status: res.status, body: await res.text() };
  }
}

/** Polls `probe` until `done` holds of its value, or fails the step after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  options: { timeoutMs?: number; intervalMs?: number; onValue?: (value: T) => void } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let last: T | undefined;
  let failure: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      failure = undefined;
      options.onValue?.(last);
      if (done(last)) return last;
    } catch (error) {
      if (error instanceof StepFailed) throw error;
      failure = error;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
  const seen = failure instanceof Error ? failure.message : JSON.stringify(last);
  throw new StepFailed(
    `${what} did not happen in ${(options.timeoutMs ?? 60_000) / 1000} s (last seen: ${seen})`,
  );
}
