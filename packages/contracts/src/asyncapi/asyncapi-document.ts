import {
  deadLetterTopicName,
  pushPath,
  replayFilter,
  subscriptionName,
  topicName,
} from '../bus-names';
import { CATALOG_FILE, type SchemaFileSet } from '../json-schema/schema-files';

export const ASYNCAPI_FILE = 'asyncapi.json';
export const ASYNCAPI_COMMAND = 'pnpm --filter @gpuaas/contracts export:asyncapi';
/** The exported schemas are draft-07, which AsyncAPI names as a multi-format schema. */
export const JSON_SCHEMA_FORMAT = 'application/schema+json;version=draft-07';
export const PUBSUB_BINDING_VERSION = '0.2.0';

/** The part of catalog.json the document is built from. */
interface CatalogFileEvent {
  eventType: string;
  producer: string;
  producerLabel: string;
  consumers: string[];
  consumerLabels: string[];
  idempotencyKey: string[];
  versions: string[];
  latestVersion: string;
  schemas: Record<string, string>;
  notes: string;
}

type Json = Record<string, unknown>;

export interface AsyncApiOptions {
  /** `info.version` of the document (the contracts package version). */
  version: string;
}

/** `<event_type>-<MAJOR.MINOR>`: one message per published version of an event. */
export const messageId = (eventType: string, version: string): string => `${eventType}-${version}`;
export const sendOperationId = (producer: string, eventType: string): string =>
  `${producer}.send.${eventType}`;
export const receiveOperationId = (consumer: string, eventType: string): string =>
  `${consumer}.receive.${eventType}`;

/** The Pub/Sub attributes every event carries beside its data (DESIGN.md "The envelope"). */
function attributesSchema(event: CatalogFileEvent, version: string): Json {
  const major = version.split('.')[0];
  const text = { type: 'string', minLength: 1 };
  return {
    type: 'object',
    description:
      'Pub/Sub message attributes: they repeat the envelope so filters and tools need not parse data.',
    required: [
      'event_type',
      'version',
      'event_id',
      'correlation_id',
      'idempotency_key',
      'producer',
    ],
    properties: {
      event_type: { type: 'string', const: event.eventType },
      version: { type: 'string', pattern: `^${major}\\.(0|[1-9][0-9]*)$` },
      event_id: { type: 'string', format: 'uuid' },
      correlation_id: text,
      idempotency_key: {
        ...text,
        description: `The payload's ${event.idempotencyKey.join(' + ')}, joined with ':'.`,
      },
      producer: { type: 'string', const: event.producer },
      causation_id: { ...text, description: 'The event that caused this one, when there is one.' },
      replay_target: { ...text, description: 'Set by a replay: the one subscription it is for.' },
      replay_id: { ...text, description: 'Set by a replay.' },
      replay_count: { type: 'string', pattern: '^[1-9][0-9]*$', description: 'Set by a replay.' },
    },
  };
}

function message(event: CatalogFileEvent, version: string, files: SchemaFileSet): Json {
  const path = event.schemas[version];
  const exported = path === undefined ? undefined : files[path];
  if (exported === undefined)
    throw new Error(`no exported schema for ${event.eventType} ${version}`);
  // The data of the Pub/Sub message is the envelope; its schema is the exported file as is,
  // without the $id and $schema that name it as a file (schemaFormat says the dialect).
  const { $id: _id, $schema: _schema, ...schema } = exported as Json;
  return {
    name: event.eventType,
    title: `${event.eventType} ${version}`,
    summary: event.notes,
    contentType: 'application/json',
    headers: attributesSchema(event, version),
    payload: { schemaFormat: JSON_SCHEMA_FORMAT, schema },
    bindings: {
      googlepubsub: {
        bindingVersion: PUBSUB_BINDING_VERSION,
        attributes: { event_type: event.eventType, producer: event.producer },
      },
    },
    'x-schema-file': path,
  };
}

/**
 * The AsyncAPI 3.0 document of the bus, from the exported catalog (catalog.json and schemas/):
 * a channel per topic, a message per event version with its JSON Schema, a send operation per
 * producer and a receive operation per (event, consumer), that is per push subscription.
 */
export function buildAsyncApiDocument(files: SchemaFileSet, options: AsyncApiOptions): Json {
  const { events } = files[CATALOG_FILE] as { events: CatalogFileEvent[] };
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  for (const event of events) {
    const channelId = event.eventType;
    const channelRef = { $ref: `#/channels/${channelId}` };
    const versionRefs = event.versions.map((version) => ({
      $ref: `#/channels/${channelId}/messages/${messageId(event.eventType, version)}`,
    }));
    for (const version of event.versions) {
      messages[messageId(event.eventType, version)] = message(event, version, files);
    }
    channels[channelId] = {
      address: topicName(event.eventType),
      title: event.eventType,
      description: `${event.notes}. Idempotency key: ${event.idempotencyKey.join(' + ')}. Latest version ${event.latestVersion}.`,
      messages: Object.fromEntries(
        event.versions.map((version) => {
          const id = messageId(event.eventType, version);
          return [id, { $ref: `#/components/messages/${id}` }];
        }),
      ),
    };
    operations[sendOperationId(event.producer, event.eventType)] = {
      action: 'send',
      channel: channelRef,
      title: `${event.producerLabel} publishes ${event.eventType}`,
      summary: event.notes,
      messages: versionRefs,
      'x-participant': event.producer,
    };
    event.consumers.forEach((consumer, index) => {
      const subscription = subscriptionName(event.eventType, consumer);
      operations[receiveOperationId(consumer, event.eventType)] = {
        action: 'receive',
        channel: channelRef,
        title: `${event.consumerLabels[index] ?? consumer} receives ${event.eventType}`,
        description: [
          `Push subscription \`${subscription}\` to \`POST <${consumer} base URL>${pushPath(event.eventType)}\`,`,
          `filter \`${replayFilter(subscription)}\`;`,
          `after its delivery attempts, dead letters go to \`${deadLetterTopicName(consumer)}\`.`,
        ].join(' '),
        messages: versionRefs,
        'x-participant': consumer,
        'x-subscription': subscription,
        'x-dead-letter-topic': deadLetterTopicName(consumer),
      };
    });
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'GPUaaS event backbone',
      version: options.version,
      description:
        'Domain events of the GPU-as-a-service platform on Google Cloud Pub/Sub: one topic per event type, one push subscription per (event type, consumer), each message the JSON envelope of EVENTS.md. Generated from the event catalog (packages/contracts); do not edit.',
    },
    defaultContentType: 'application/json',
    servers: {
      pubsub: {
        host: 'pubsub.googleapis.com',
        protocol: 'googlepubsub',
        description:
          'Google Cloud Pub/Sub of the platform project; topics are named by event type.',
      },
    },
    channels,
    operations,
    components: { messages },
  };
}

/** The exact text asyncapi.json is committed with. */
export const renderAsyncApiDocument = (document: Json): string =>
  `${JSON.stringify(document, null, 2)}\n`;
