import type { DocumentSnapshot, Firestore, Timestamp } from '@google-cloud/firestore';
import { type ConsumerName, catalog, idempotencyKeyParts, isEventType } from '@gpuaas/contracts';
import { DEDUPE_COLLECTION, dedupeRecordId } from '@gpuaas/eventing';
import { DEAD_LETTERS } from '../store/collections';
import {
  type AppliedRecord,
  assembleFlow,
  type Flow,
  type ParkedLetter,
  type ProducedEvent,
} from './flow';

const OUTBOX = 'outbox';
/** More than any flow of the catalog makes; a runaway correlation id is cut, not scanned. */
const FLOW_LIMIT = 500;

const dateOf = (value: unknown): Date | null =>
  value && typeof (value as Timestamp).toDate === 'function' ? (value as Timestamp).toDate() : null;

const producedOf = (snap: DocumentSnapshot): ProducedEvent => {
  const attributes = (snap.get('attributes') ?? {}) as Record<string, string>;
  return {
    eventId: snap.id,
    eventType: attributes.event_type ?? String(snap.get('topic')),
    attributes,
    committedAt: dateOf(snap.get('created_at')),
    publishedAt: dateOf(snap.get('published_at')),
  };
};

const recordOf = (snap: DocumentSnapshot): AppliedRecord => ({
  recordId: snap.id,
  consumer: String(snap.get('consumer')),
  eventType: String(snap.get('event_type')),
  eventId: String(snap.get('event_id')),
  state: snap.get('state') === 'completed' ? 'completed' : 'in_progress',
  completedAt: dateOf(snap.get('completed_at')),
});

const letterOf = (snap: DocumentSnapshot): ParkedLetter => ({
  id: snap.id,
  consumer: String(snap.get('consumer')),
  eventType: (snap.get('event_type') as string | null) ?? null,
  eventId: (snap.get('event_id') as string | null) ?? null,
  reasonCode: String(snap.get('reason_code')),
  status: String(snap.get('status')),
  firstSeenAt: dateOf(snap.get('first_seen_at')) ?? new Date(0),
  producer: (snap.get('attributes') as Record<string, string> | undefined)?.producer ?? null,
});

/** The dedupe record id of each catalog consumer of an event, from its envelope's key. */
function consumerRecordIds(eventType: string, data: unknown): Map<string, string> | undefined {
  if (!isEventType(eventType)) return undefined;
  try {
    const envelope = JSON.parse(Buffer.from(data as Buffer).toString('utf8')) as {
      payload: never;
    };
    const parts = idempotencyKeyParts(eventType, envelope.payload);
    return new Map(
      (catalog[eventType].consumers as readonly ConsumerName[]).map((consumer) => [
        consumer,
        dedupeRecordId(consumer, eventType, parts),
      ]),
    );
  } catch {
    return undefined;
  }
}

/**
 * "Where is my event?": the flow of a correlation id, or of the correlation an event id belongs
 * to, read from what the runtime already writes (no write per delivery feeds it). Undefined when
 * nothing of it is known.
 */
export async function findFlow(firestore: Firestore, id: string): Promise<Flow | undefined> {
  const outbox = firestore.collection(OUTBOX);
  const records = firestore.collection(DEDUPE_COLLECTION);
  const letters = firestore.collection(DEAD_LETTERS);

  const [asEvent, recordOfEvent, letterOfEvent] = await Promise.all([
    outbox.doc(id).get(),
    records.where('event_id', '==', id).limit(1).get(),
    letters.where('event_id', '==', id).limit(1).get(),
  ]);
  const correlationId =
    (asEvent.exists
      ? (asEvent.get('attributes.correlation_id') as string | undefined)
      : undefined) ??
    (recordOfEvent.docs[0]?.get('correlation_id') as string | undefined) ??
    (letterOfEvent.docs[0]?.get('correlation_id') as string | undefined) ??
    id;

  const [produced, recorded, parked] = await Promise.all([
    outbox.where('attributes.correlation_id', '==', correlationId).limit(FLOW_LIMIT).get(),
    records.where('correlation_id', '==', correlationId).limit(FLOW_LIMIT).get(),
    letters.where('correlation_id', '==', correlationId).limit(FLOW_LIMIT).get(),
  ]);
  if (produced.empty && recorded.empty && parked.empty) return undefined;

  const byRecordId = new Map(recorded.docs.map((snap) => [snap.id, recordOf(snap)]));
  const keyed = new Map<string, Map<string, string>>();
  for (const snap of produced.docs) {
    const event = producedOf(snap);
    const ids = consumerRecordIds(event.eventType, snap.get('data'));
    if (ids) keyed.set(event.eventId, ids);
  }
  // A consumer that applied the key under another event id (a duplicate) is found by its key.
  const missing = [...keyed.values()]
    .flatMap((ids) => [...ids.values()])
    .filter((recordId) => !byRecordId.has(recordId));
  if (missing.length > 0) {
    const snaps = await firestore.getAll(...missing.map((recordId) => records.doc(recordId)));
    for (const snap of snaps) if (snap.exists) byRecordId.set(snap.id, recordOf(snap));
  }
  return assembleFlow(id, correlationId, {
    produced: produced.docs.map(producedOf),
    records: byRecordId,
    recordIdsOf: ({ eventId }) => keyed.get(eventId),
    letters: parked.docs.map(letterOf),
  });
}
