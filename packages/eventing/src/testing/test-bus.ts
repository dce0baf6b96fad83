import { randomUUID } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import {
  type ConsumerName,
  deadLetterTopicName,
  EVENT_TYPES,
  type EventType,
  type PayloadOf,
  pushPath,
  subscriptionName,
} from '@gpuaas/contracts';
import { firestoreClient, pubsubClient, uniqueProjectId } from '@gpuaas/testkit';
import pino from 'pino';
import { type EventingConfig, loadConfig } from '../config';
import { createPublisher, type PublishOptions } from '../publisher';
import { createService, type Service, type ServiceOptions } from '../service/service';
import { TopicTap } from './topic-tap';

/** How the kit's push subscriptions deliver: short, so retries and dead-letters happen in seconds. */
export interface WireOptions {
  ackDeadlineSeconds?: number;
  minimumBackoffSeconds?: number;
  maximumBackoffSeconds?: number;
  maxDeliveryAttempts?: number;
}

export interface ServedService {
  service: Service;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The dead letters of a consumer this service hosts (tapped from the start). */
  deadLetters(consumer: ConsumerName): TopicTap;
}

const WIRE_DEFAULTS: Required<WireOptions> = {
  ackDeadlineSeconds: 10,
  minimumBackoffSeconds: 1,
  maximumBackoffSeconds: 2,
  maxDeliveryAttempts: 5,
};

/**
 * One project on the shared emulators for a test file: real clients, services started on real
 * ports with real push subscriptions to them, taps on topics. `close()` stops all of it.
 */
export class TestBus {
  private readonly taps: TopicTap[] = [];
  private readonly services: Service[] = [];
  private readonly dlqTaps = new Map<string, TopicTap>();

  private constructor(
    readonly projectId: string,
    readonly firestore: Firestore,
    readonly pubsub: PubSub,
  ) {}

  static async start(prefix = 'bus'): Promise<TestBus> {
    const projectId = uniqueProjectId(prefix);
    return new TestBus(projectId, firestoreClient(projectId), pubsubClient(projectId));
  }

  /** The runtime settings of a service on this project: push auth off, any free port. */
  config(service: string, env: Record<string, string> = {}): EventingConfig {
    return loadConfig({
      SERVICE_NAME: service,
      GCP_PROJECT_ID: this.projectId,
      PUSH_AUTH: 'off',
      PORT: '0',
      ACK_DEADLINE_SECONDS: String(WIRE_DEFAULTS.ackDeadlineSeconds),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...env,
    });
  }

  async tap(topic: string): Promise<TopicTap> {
    const tap = await TopicTap.open(this.pubsub, topic);
    this.taps.push(tap);
    return tap;
  }

  async createTopics(...names: string[]): Promise<void> {
    await Promise.all(names.map((name) => this.pubsub.topic(name).get({ autoCreate: true })));
  }

  private catalogTopics: Promise<void> | undefined;

  /** Every event topic of the catalog (once per bus). */
  createCatalogTopics(): Promise<void> {
    this.catalogTopics ??= this.createTopics(...EVENT_TYPES);
    return this.catalogTopics;
  }

  /** Publishes a valid event as `producer` would (topic created if missing). */
  async publish<T extends EventType>(
    eventType: T,
    payload: PayloadOf<T>,
    options: Partial<PublishOptions> & { producer?: string } = {},
  ): Promise<string> {
    await this.createTopics(eventType);
    const publisher = createPublisher({
      pubsub: this.pubsub,
      producer: options.producer ?? 'test-producer',
    });
    return publisher.publish(eventType, payload, {
      correlationId: options.correlationId ?? `corr-${Math.random().toString(36).slice(2)}`,
      ...options,
    });
  }

  /**
   * Publishes an envelope of `version` with `payload` as given, unchecked: what a producer that
   * broke its contract sends, or one still on an older minor. The attributes are the envelope's
   * (`event_type`, `version`, `event_id`, `correlation_id`) plus `attributes`. Returns the event id.
   */
  async publishUnchecked(
    eventType: EventType,
    version: string,
    payload: unknown,
    attributes: Record<string, string> = {},
  ): Promise<string> {
    await this.createTopics(eventType);
    const envelope = {
      event_id: randomUUID(),
      event_type: eventType,
      occurred_at: new Date().toISOString(),
      version,
      correlation_id: `corr-${randomUUID()}`,
      payload,
    };
    await this.pubsub.topic(eventType).publishMessage({
      data: Buffer.from(JSON.stringify(envelope)),
      attributes: {
        event_type: eventType,
        version,
        event_id: envelope.event_id,
        correlation_id: envelope.correlation_id,
        ...attributes,
      },
    });
    return envelope.event_id;
  }

  /**
   * A service without a server, on this project's emulators (own clients; `app.request` it).
   * Its own clients are closed by `close()`.
   */
  create(options: ServiceOptions): Service {
    const service = createService({
      firestore: firestoreClient(this.projectId),
      pubsub: pubsubClient(this.projectId),
      logger: pino({ level: options.config.logLevel }),
      ...options,
    });
    this.services.push(service);
    return service;
  }

  /**
   * Starts a service on a free port and points a push subscription of every one of its
   * subscriptions at it, with dead-lettering into `<consumer>.dlq` (tapped). `wire: false`
   * starts it without subscriptions.
   */
  async serve(options: ServiceOptions, wire: WireOptions | false = {}): Promise<ServedService> {
    // Whatever the service emits finds its topic (publishing to a missing one is NOT_FOUND).
    await this.createCatalogTopics();
    const service = this.create(options);
    const url = `http://127.0.0.1:${await service.listen()}`;
    if (wire !== false) {
      const settings = { ...WIRE_DEFAULTS, ...wire };
      for (const subscription of options.subscriptions ?? []) {
        const basePath = options.basePaths?.[subscription.consumer] ?? '';
        await this.wire(
          subscription.eventType,
          subscription.consumer,
          `${url}${basePath}${pushPath(subscription.eventType)}`,
          settings,
        );
      }
    }
    return {
      service,
      url,
      deadLetters: (consumer) => {
        const tap = this.dlqTaps.get(deadLetterTopicName(consumer));
        if (!tap) throw new Error(`${consumer} is not hosted by this service`);
        return tap;
      },
    };
  }

  /** The catalog's push subscription `<event_type>.<consumer>` to `endpoint`, with its DLQ. */
  async wire(
    eventType: EventType,
    consumer: ConsumerName,
    endpoint: string,
    wire: WireOptions = {},
  ): Promise<void> {
    const settings = { ...WIRE_DEFAULTS, ...wire };
    const dlq = deadLetterTopicName(consumer);
    if (!this.dlqTaps.has(dlq)) this.dlqTaps.set(dlq, await this.tap(dlq));
    const [topic] = await this.pubsub.topic(eventType).get({ autoCreate: true });
    await topic.createSubscription(subscriptionName(eventType, consumer), {
      pushConfig: { pushEndpoint: endpoint },
      ackDeadlineSeconds: settings.ackDeadlineSeconds,
      retryPolicy: {
        minimumBackoff: { seconds: settings.minimumBackoffSeconds },
        maximumBackoff: { seconds: settings.maximumBackoffSeconds },
      },
      deadLetterPolicy: {
        deadLetterTopic: `projects/${this.projectId}/topics/${dlq}`,
        maxDeliveryAttempts: settings.maxDeliveryAttempts,
      },
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.services.map((service) => service.shutdown()));
    await Promise.allSettled(this.taps.map((tap) => tap.close()));
    await this.pubsub.close();
    await this.firestore.terminate();
  }
}
