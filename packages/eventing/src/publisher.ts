import type { PubSub, Topic } from '@google-cloud/pubsub';
import { ContractError, createEnvelope, type EventType, type PayloadOf } from '@gpuaas/contracts';
import { context, type Link, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { eventAttributes } from './attributes';
import { describeError } from './describe-error';
import { UnpublishableEventError } from './errors';
import { contextOfAttributes, traceAttributes, tracer } from './tracing/trace-context';
import { publishProblem } from './wire/limits';

export interface PublishOptions {
  correlationId: string;
  causationId?: string;
  occurredAt?: Date | string;
  /** Extra attributes (e.g. `replay_target`); the envelope's own attributes win on a clash. */
  attributes?: Record<string, string>;
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

/**
 * Builds an event's wire form, or throws an UnpublishableEventError before anything is stored or
 * sent: a schema violation, or a message Pub/Sub would refuse (an idempotency key over the
 * attribute limit, data over 10 MB) — so it is refused at its source, not retried forever.
 */
export function encodeEvent<T extends EventType>(
  eventType: T,
  payload: PayloadOf<T>,
  producer: string,
  options: PublishOptions,
): OutgoingMessage {
  let message: OutgoingMessage;
  try {
    const envelope = createEnvelope(eventType, payload, {
      correlationId: options.correlationId,
      occurredAt: options.occurredAt,
    });
    message = {
      topic: eventType,
      data: Buffer.from(JSON.stringify(envelope)),
      attributes: {
        ...options.attributes,
        // The emitting span (a delivery's handler, an HTTP request): consumers continue it.
        ...traceAttributes(),
        ...eventAttributes(envelope, producer, options.causationId),
      },
    };
  } catch (error) {
    if (error instanceof ContractError) {
      const issues = error.issues.map((issue) => `${issue.path || '/'}: ${issue.message}`);
      throw new UnpublishableEventError(eventType, issues.join('; ') || error.message, {
        cause: error,
      });
    }
    throw new UnpublishableEventError(eventType, describeError(error), { cause: error });
  }
  const problem = publishProblem(message.data, message.attributes);
  if (problem) throw new UnpublishableEventError(eventType, problem);
  return message;
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
  /**
   * One PRODUCER span per publish, child of the context the message was emitted in (it may have
   * waited in the outbox); the message carries the publish span on. A replay belongs to the
   * replaying task's trace, linked to the original.
   */
  const send = (message: OutgoingMessage): Promise<string> => {
    const carried = contextOfAttributes(message.attributes);
    const carriedSpan = trace.getSpanContext(carried);
    const isReplay = message.attributes.replay_id !== undefined;
    const parent = carriedSpan && !isReplay ? carried : context.active();
    const links: Link[] = carriedSpan && isReplay ? [{ context: carriedSpan }] : [];
    const span = tracer().startSpan(
      `publish ${message.topic}`,
      {
        kind: SpanKind.PRODUCER,
        links,
        attributes: {
          'messaging.system': 'gcp_pubsub',
          'messaging.operation.type': 'send',
          'messaging.destination.name': message.topic,
          'gpuaas.event_id': message.attributes.event_id ?? '',
        },
      },
      parent,
    );
    const attributes = {
      ...message.attributes,
      ...traceAttributes(trace.setSpan(parent, span)),
    };
    return topicFor(message.topic)
      .publishMessage({ data: message.data, attributes })
      .then(
        (id) => {
          span.setAttribute('messaging.message.id', id);
          span.end();
          return id;
        },
        (error: unknown) => {
          span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
          span.end();
          throw error;
        },
      );
  };
  return {
    producer: options.producer,
    send,
    // async so a refused event arrives as a rejection, like every other publish failure.
    async publish(eventType, payload, publishOptions) {
      return send(encodeEvent(eventType, payload, options.producer, publishOptions));
    },
    async flush() {
      await Promise.all([...topics.values()].map((topic) => topic.flush()));
    },
  };
}
