import { randomUUID } from 'node:crypto';
import { createEnvelope, type Envelope, type EventType, type PayloadOf } from '@gpuaas/contracts';
import { eventAttributes } from '../attributes';

export type TestEvent<T extends EventType> = Envelope<PayloadOf<T>> & { event_type: T };

/** A valid envelope of `eventType`, with a fresh event id and correlation id. */
export function event<T extends EventType>(
  eventType: T,
  payload: PayloadOf<T>,
  correlationId = `corr-${randomUUID()}`,
): TestEvent<T> {
  return createEnvelope(eventType, payload, { correlationId });
}

export interface PushBodyOptions {
  messageId?: string;
  /** Short name; sent as `projects/p/subscriptions/<name>`, as Pub/Sub does. */
  subscription?: string;
  attributes?: Record<string, string>;
  snakeCase?: boolean;
  deliveryAttempt?: number;
}

/** The JSON body Pub/Sub push sends, for raw data (any bytes) and attributes. */
export function rawPushBody(
  data: string | Buffer,
  attributes: Record<string, string>,
  options: PushBodyOptions = {},
) {
  const messageId = options.messageId ?? String(Math.floor(Math.random() * 1e12));
  const encoded = Buffer.from(data).toString('base64');
  const message = options.snakeCase
    ? { data: encoded, attributes, message_id: messageId, publish_time: new Date().toISOString() }
    : { data: encoded, attributes, messageId, publishTime: new Date().toISOString() };
  return {
    message,
    subscription: options.subscription
      ? `projects/p/subscriptions/${options.subscription}`
      : undefined,
    ...(options.deliveryAttempt ? { deliveryAttempt: options.deliveryAttempt } : {}),
  };
}

/** The push body of an event, with the attributes its producer would set. */
export function pushBody<T extends EventType>(
  envelope: TestEvent<T>,
  options: PushBodyOptions = {},
) {
  const attributes = { ...eventAttributes(envelope, 'test-producer'), ...options.attributes };
  return rawPushBody(JSON.stringify(envelope), attributes, options);
}

export interface Requestable {
  request: (path: string, init: RequestInit) => Response | Promise<Response>;
}

/**
 * POSTs a push body to an app without a server (`app.request`): `target` is an event type
 * (`/push/<event_type>`) or a path starting with `/`.
 */
export function postPush(
  app: Requestable,
  target: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const path = target.startsWith('/') ? target : `/push/${target}`;
  return Promise.resolve(
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }),
  );
}
