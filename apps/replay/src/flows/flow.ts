import { type ConsumerName, catalog, isEventType } from '@gpuaas/contracts';

/** What became of one event at one of its catalog consumers. */
export type ConsumerOutcome =
  | 'applied'
  | 'duplicate'
  | 'in_progress'
  | 'dead_lettered'
  | 'not_yet_delivered';

export interface FlowConsumer {
  consumer: ConsumerName;
  outcome: ConsumerOutcome;
  /** When it was applied, or first dead-lettered. */
  at: string | null;
  /** The event whose application this one duplicated, the dead-letter reason, … */
  detail: string | null;
  dead_letter_id: string | null;
}

export interface FlowEvent {
  event_id: string;
  event_type: string;
  /** The `producer` attribute, or null for an event that never passed through an outbox. */
  producer: string | null;
  correlation_id: string;
  causation_id: string | null;
  committed_at: string | null;
  published_at: string | null;
  trace_id: string | null;
  consumers: FlowConsumer[];
}

export interface Flow {
  /** What was asked for: a correlation id or an event id. */
  id: string;
  correlation_id: string;
  events: FlowEvent[];
}

/** An outbox entry of the flow, reduced to what the flow shows. */
export interface ProducedEvent {
  eventId: string;
  eventType: string;
  attributes: Record<string, string>;
  committedAt: Date | null;
  publishedAt: Date | null;
}

/** A consumer's dedupe record of the flow. */
export interface AppliedRecord {
  recordId: string;
  consumer: string;
  eventType: string;
  eventId: string;
  state: 'completed' | 'in_progress';
  completedAt: Date | null;
}

/** A dead letter of the flow. */
export interface ParkedLetter {
  id: string;
  consumer: string;
  eventType: string | null;
  eventId: string | null;
  reasonCode: string;
  status: string;
  firstSeenAt: Date;
  /** The `producer` attribute the dead-lettered message carried, if any. */
  producer: string | null;
}

export interface FlowFacts {
  produced: ProducedEvent[];
  /** Records by record id: those found by correlation id and those looked up by each event's key. */
  records: Map<string, AppliedRecord>;
  /** (event id) → the record id of each consumer of that event, where its key is known. */
  recordIdsOf: (event: { eventId: string; eventType: string }) => Map<string, string> | undefined;
  letters: ParkedLetter[];
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);
const traceIdOf = (traceparent: string | undefined) =>
  /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent ?? '')?.[1] ?? null;

/**
 * Every event of a flow and, for each catalog consumer of each, what became of it there — from
 * what the runtime already writes: outbox entries, dedupe records, the dead-letter archive.
 */
export function assembleFlow(id: string, correlationId: string, facts: FlowFacts): Flow {
  const events = new Map<string, FlowEvent & { order: number }>();
  const add = (eventId: string, eventType: string, order: number, extra: Partial<FlowEvent>) => {
    if (events.has(eventId)) return;
    events.set(eventId, {
      event_id: eventId,
      event_type: eventType,
      producer: null,
      correlation_id: correlationId,
      causation_id: null,
      committed_at: null,
      published_at: null,
      trace_id: null,
      consumers: [],
      order,
      ...extra,
    });
  };
  for (const produced of facts.produced) {
    add(produced.eventId, produced.eventType, produced.committedAt?.getTime() ?? 0, {
      producer: produced.attributes.producer ?? null,
      causation_id: produced.attributes.causation_id ?? null,
      committed_at: iso(produced.committedAt),
      published_at: iso(produced.publishedAt),
      trace_id: traceIdOf(produced.attributes.traceparent),
    });
  }
  // Events that reached consumers without our outbox (a foreign producer, a test, a replay).
  for (const record of facts.records.values()) {
    add(record.eventId, record.eventType, record.completedAt?.getTime() ?? 0, {});
  }
  for (const letter of facts.letters) {
    if (letter.eventId && letter.eventType) {
      add(letter.eventId, letter.eventType, letter.firstSeenAt.getTime(), {
        producer: letter.producer,
      });
    }
  }

  for (const event of events.values()) {
    const consumers = isEventType(event.event_type)
      ? (catalog[event.event_type].consumers as readonly ConsumerName[])
      : [];
    const keyed = facts.recordIdsOf({ eventId: event.event_id, eventType: event.event_type });
    event.consumers = consumers.map((consumer): FlowConsumer => {
      const recordId = keyed?.get(consumer);
      const record =
        (recordId ? facts.records.get(recordId) : undefined) ??
        [...facts.records.values()].find(
          (r) => r.consumer === consumer && r.eventId === event.event_id,
        );
      const letter = facts.letters.find(
        (l) => l.consumer === consumer && l.eventId === event.event_id,
      );
      if (record?.state === 'completed') {
        const duplicate = record.eventId !== event.event_id;
        return {
          consumer,
          outcome: duplicate ? 'duplicate' : 'applied',
          at: iso(record.completedAt),
          detail: duplicate ? `the same key was applied as event ${record.eventId}` : null,
          dead_letter_id: letter?.id ?? null,
        };
      }
      if (record?.state === 'in_progress') {
        return { consumer, outcome: 'in_progress', at: null, detail: null, dead_letter_id: null };
      }
      if (letter) {
        // Replayed (as itself or as a repaired revision under a new event id): this event was
        // still dead-lettered here; the replayed one shows its own outcome.
        return {
          consumer,
          outcome: 'dead_lettered',
          at: iso(letter.firstSeenAt),
          detail: `${letter.reasonCode} (${letter.status === 'replayed' ? 'replayed, not applied as this event yet' : letter.status})`,
          dead_letter_id: letter.id,
        };
      }
      return {
        consumer,
        outcome: 'not_yet_delivered',
        at: null,
        detail: null,
        dead_letter_id: null,
      };
    });
  }
  const ordered = [...events.values()]
    .sort((a, b) => a.order - b.order)
    .map(({ order: _, ...event }) => event);
  return { id, correlation_id: correlationId, events: ordered };
}
