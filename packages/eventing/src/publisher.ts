import type { PubSub, Topic } from '@google-cloud/pubsub';
import { createEnvelope, type EventType, type PayloadOf } from '@gpuaas/contracts';
import { eventAttributes } from './attributes';

export interface PublishOptions {
  correlationId: string;
  causationId?: string;
  occurredAt?: Date | string;
}

/** A message ready for the wire: what the outbox stores and what dead-lettering republishes. */
export interface OutgoingMessage {
  topic: string;
  data: Buffer;
  attributes: Record<string, string>;
}

export interface PublisherOptions {
  pubsub: PubSub;
  /** The service publishing, stamped in the `producer` attribute. */
  producer: string;
  /** Batching window; small by default because events sit on request paths. */
  maxBatchDelayMs?: number;
}

export interface Publisher {
  readonly producer: string;
  publish<T extends EventType>(
    eventType: T,
    payload: PayloadOf<T>,
    options: PublishOptions,
  ): Promise<string>;
  send(message: OutgoingMessage): Promise<string>;
  flush(): Promise<void>;
}

/** Builds an event's wire form; throws a ContractError before anything is sent. */
export function encodeEvent<T extends EventType>(
  eventType: T,
  payload: PayloadOf<T>,
  producer: string,
  options: PublishOptions,
): OutgoingMessage {
  const envelope = createEnvelope(eventType, payload, {
    correlationId: options.correlationId,
    occurredAt: options.occurredAt,
  });
  return {
    topic: eventType,
    data: Buffer.from(JSON.stringify(envelope)),
    attributes: eventAttributes(envelope, producer, options.causationId),
  };
}

export function createPublisher(options: PublisherOptions): Publisher {
  const topics = new Map<string, Topic>();
  const topicFor = (name: string): Topic => {
    let topic = topics.get(name);
    if (!topic) {
      // The client retries UNAVAILABLE/DEADLINE_EXCEEDED with backoff on its own.
      topic = options.pubsub.topic(name, {
        batching: { maxMessages: 100, maxMilliseconds: options.maxBatchDelayMs ?? 5 },
      });
      topics.set(name, topic);
    }
    return topic;
  };
  const send = (message: OutgoingMessage): Promise<string> =>
    topicFor(message.topic).publishMessage({
      data: message.data,
      attributes: message.attributes,
    });
  return {
    producer: options.producer,
    send,
    // async so a ContractError arrives as a rejection, like every other publish failure.
    async publish(eventType, payload, publishOptions) {
      return send(encodeEvent(eventType, payload, options.producer, publishOptions));
    },
    async flush() {
      await Promise.all([...topics.values()].map((topic) => topic.flush()));
    },
  };
}
