import {
  CONSUMERS,
  type ConsumerName,
  catalog,
  deadLetterTopicName,
  EVENT_TYPES,
  type EventType,
  type ProducerName,
  topicName,
} from '@gpuaas/contracts';
import { SERVICE_NAMES, SERVICES, type ServiceDefinition, type ServiceName } from './services';

/** The catalog as far as publish rights go: who produces each event type, who consumes it. */
export interface ProducingRow {
  readonly eventType: EventType;
  readonly producer: ProducerName;
  readonly consumers: readonly ConsumerName[];
}

const ROWS: readonly ProducingRow[] = EVENT_TYPES.map((eventType) => catalog[eventType]);
const TABLE: Readonly<Record<string, ServiceDefinition>> = SERVICES;

/** Event types a service publishes as one of its catalog producers, in catalog order. */
export function producedEventTypes(
  service: string,
  services: Readonly<Record<string, ServiceDefinition>> = TABLE,
  rows: readonly ProducingRow[] = ROWS,
): EventType[] {
  const producers = new Set<string>(services[service]?.producers ?? []);
  return rows.filter((row) => producers.has(row.producer)).map((row) => row.eventType);
}

/**
 * Topics a service's runtime account may publish to, derived from the catalog: the events it
 * produces (every event topic for a service that republishes dead letters), then the dead-letter
 * topics of the consumers it hosts, where its push apps route poison events.
 */
export function publishTopics(
  service: string,
  services: Readonly<Record<string, ServiceDefinition>> = TABLE,
  rows: readonly ProducingRow[] = ROWS,
): string[] {
  const definition = services[service];
  if (definition === undefined) throw new RangeError(`${service} is not a service`);
  const events = definition.republishesAnyEvent
    ? rows.map((row) => row.eventType)
    : producedEventTypes(service, services, rows);
  const consumed = new Set(rows.flatMap((row) => row.consumers));
  // CONSUMERS order, as the bus lists its dead-letter topics.
  const deadLetters = CONSUMERS.filter(
    (consumer) => consumer in definition.consumers && consumed.has(consumer),
  ).map(deadLetterTopicName);
  return [...events.map(topicName), ...deadLetters];
}

/** The service publishing as a catalog producer; undefined when no row of the table claims it. */
export function serviceOfProducer(producer: ProducerName): ServiceName | undefined {
  return SERVICE_NAMES.find((name) =>
    (SERVICES[name].producers as readonly string[]).includes(producer),
  );
}
