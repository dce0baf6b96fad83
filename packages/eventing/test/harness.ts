import { randomUUID } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import type { Message, PubSub, Subscription as PullSubscription } from '@google-cloud/pubsub';
import { createEnvelope, type Envelope, type EventType, type PayloadOf } from '@gpuaas/contracts';
import { firestoreClient, pubsubClient, uniqueProjectId, waitFor } from '@gpuaas/testkit';
import pino, { type Logger } from 'pino';
import { eventAttributes } from '../src/attributes';
import type { VerifyPushToken } from '../src/auth/push-auth';
import { createConsumerApp } from '../src/consumer-app';
import { createPublisher, type Publisher } from '../src/publisher';
import type { AnySubscription } from '../src/subscription';

/** A captured message from a pull subscription. */
export interface Captured {
  data: string;
  attributes: Record<string, string>;
}

/** Collects what arrives on a topic, through a real pull subscription on the emulator. */
export class TopicTap {
  readonly received: Captured[] = [];
  private constructor(private readonly subscription: PullSubscription) {}

  static async open(pubsub: PubSub, topic: string): Promise<TopicTap> {
    const [t] = await pubsub.topic(topic).get({ autoCreate: true });
    const [sub] = await t.createSubscription(`${topic}.tap-${randomUUID().slice(0, 8)}`);
    const tap = new TopicTap(sub);
    sub.on('message', (message: Message) => {
      tap.received.push({ data: message.data.toString(), attributes: { ...message.attributes } });
      message.ack();
    });
    return tap;
  }

  async waitForCount(count: number, timeoutMs = 10_000): Promise<Captured[]> {
    await waitFor(() => this.received.length >= count, { timeoutMs, intervalMs: 50 });
    return this.received;
  }

  async close(): Promise<void> {
    await this.subscription.close();
  }
}

export interface ConsumerOptions {
  leaseMs?: number;
  /** Wraps the real publisher, e.g. to make one publish fail. */
  wrapPublisher?: (publisher: Publisher) => Publisher;
  logger?: Logger;
  /** Push auth; off by default, as on the emulator. */
  verifyToken?: VerifyPushToken;
}

/** One Firestore + Pub/Sub project on the emulators per test file; real clients throughout. */
export class Harness {
  private taps: TopicTap[] = [];
  private constructor(
    readonly projectId: string,
    readonly firestore: Firestore,
    readonly pubsub: PubSub,
  ) {}

  static async init(): Promise<Harness> {
    const projectId = uniqueProjectId('evt');
    return new Harness(projectId, firestoreClient(projectId), pubsubClient(projectId));
  }

  async tap(topic: string): Promise<TopicTap> {
    const tap = await TopicTap.open(this.pubsub, topic);
    this.taps.push(tap);
    return tap;
  }

  async createTopics(...names: string[]): Promise<void> {
    await Promise.all(names.map((name) => this.pubsub.topic(name).get({ autoCreate: true })));
  }

  /** A push app over the given subscriptions on this harness's project. */
  consumer(subscriptions: AnySubscription[], options: ConsumerOptions = {}) {
    const base = createPublisher({ pubsub: this.pubsub, producer: 'test-service' });
    const publisher = options.wrapPublisher ? options.wrapPublisher(base) : base;
    const { app, outbox } = createConsumerApp({
      subscriptions,
      firestore: this.firestore,
      publisher,
      logger: options.logger ?? pino({ level: 'silent' }),
      projectId: this.projectId,
      verifyToken: options.verifyToken ?? false,
      leaseMs: options.leaseMs ?? 10_000,
      retentionMs: 14 * 86_400_000,
    });
    return { app, publisher, outbox };
  }

  async close(): Promise<void> {
    await Promise.all(this.taps.map((tap) => tap.close()));
    await this.pubsub.close();
    await this.firestore.terminate();
  }
}

export function event<T extends EventType>(
  eventType: T,
  payload: PayloadOf<T>,
  correlationId = `corr-${randomUUID()}`,
): Envelope<PayloadOf<T>> & { event_type: T } {
  return createEnvelope(eventType, payload, { correlationId });
}

export interface PushBodyOptions {
  messageId?: string;
  subscription?: string;
  attributes?: Record<string, string>;
  snakeCase?: boolean;
  deliveryAttempt?: number;
}

/** The JSON body Pub/Sub push sends, for a given raw data string. */
export function rawPushBody(
  data: string,
  attributes: Record<string, string>,
  options: PushBodyOptions = {},
) {
  const messageId = options.messageId ?? String(Math.floor(Math.random() * 1e12));
  const message = options.snakeCase
    ? {
        data: Buffer.from(data).toString('base64'),
        attributes,
        message_id: messageId,
        publish_time: new Date().toISOString(),
      }
    : {
        data: Buffer.from(data).toString('base64'),
        attributes,
        messageId,
        publishTime: new Date().toISOString(),
      };
  return {
    message,
    subscription: options.subscription
      ? `projects/p/subscriptions/${options.subscription}`
      : undefined,
    ...(options.deliveryAttempt ? { deliveryAttempt: options.deliveryAttempt } : {}),
  };
}

export function pushBody<T extends EventType>(
  envelope: Envelope<PayloadOf<T>> & { event_type: T },
  options: PushBodyOptions = {},
) {
  const attributes = { ...eventAttributes(envelope, 'test-producer'), ...options.attributes };
  return rawPushBody(JSON.stringify(envelope), attributes, options);
}

export function post(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  eventType: string,
  body: unknown,
) {
  return app.request(`/push/${eventType}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
