import { Timestamp } from '@google-cloud/firestore';
import { catalog, EVENT_TYPES } from '@gpuaas/contracts';
import { SERVICE_NAMES, SERVICES } from '@gpuaas/topology/services';
import { PlatformClient, type PlatformTarget } from './client';
import type { FlowView, ScenarioState } from './scenario';

/** One row of the timeline: an event, its producer, one consumer and what became of it there. */
export interface TimelineRow {
  at: string;
  eventType: string;
  eventId: string;
  producer: string;
  consumer: string;
  outcome: string;
  correlationId: string;
}

/**
 * The scenario's events and each catalog consumer's outcome, from the replay app's "where is my
 * event?" flows: the flows are found through the outbox entries the scenario's user caused.
 */
export async function collectTimeline(
  target: PlatformTarget,
  state: ScenarioState,
): Promise<TimelineRow[]> {
  const subjects = new Set([state.userId, state.unknownUserId]);
  const since = Timestamp.fromDate(new Date(state.startedAt.getTime() - 1_000));
  const produced = await target.firestore
    .collection('outbox')
    .where('created_at', '>=', since)
    .get();
  const correlations = new Set(state.correlationIds);
  for (const snap of produced.docs) {
    const data = snap.get('data') as Uint8Array | undefined;
    if (!data) continue;
    try {
      const envelope = JSON.parse(Buffer.from(data).toString()) as {
        correlation_id?: string;
        payload?: { user_id?: string | null };
      };
      const userId = envelope.payload?.user_id;
      if (userId && subjects.has(userId) && envelope.correlation_id)
        correlations.add(envelope.correlation_id);
    } catch {
      // Not an envelope: not ours to show.
    }
  }

  const api = new PlatformClient(target);
  const flows = await Promise.all(
    [...correlations].map((id) =>
      api.call<FlowView>('replay', 'GET', `/v1/flows/${encodeURIComponent(id)}`),
    ),
  );
  const seen = new Set<string>();
  const rows: TimelineRow[] = [];
  for (const flow of flows) {
    if (flow.status !== 200) continue;
    for (const event of flow.body.events) {
      if (seen.has(event.event_id)) continue;
      seen.add(event.event_id);
      for (const consumer of event.consumers) {
        rows.push({
          at: consumer.at ?? event.published_at ?? event.committed_at ?? '',
          eventType: event.event_type,
          eventId: event.event_id,
          producer: event.producer ?? '(outside)',
          consumer: consumer.consumer,
          outcome: consumer.outcome,
          correlationId: event.correlation_id,
        });
      }
    }
  }
  return rows.sort((a, b) => a.at.localeCompare(b.at));
}

/** A row of the catalog: an event type, its producer, one of its consumers. */
export interface CatalogRow {
  eventType: string;
  producer: string;
  consumer: string;
  /** An event of the type came from its producer (or from a service acting as it). */
  produced: boolean;
  /** That consumer applied such an event. */
  consumed: boolean;
}

/** The service of the services table that acts as a catalog participant (itself, or e.g. `metered-product`). */
const actsAs = (service: string, participant: string) =>
  service === participant ||
  ((SERVICE_NAMES as readonly string[]).includes(service) &&
    (SERVICES[service as keyof typeof SERVICES].producers as readonly string[]).includes(
      participant,
    ));

/** Which (event type, producer, consumer) rows of the catalog the timeline exercised. */
export function catalogCoverage(rows: readonly TimelineRow[]): CatalogRow[] {
  return EVENT_TYPES.flatMap((eventType) => {
    const entry = catalog[eventType];
    const ofType = rows.filter(
      (r) => r.eventType === eventType && actsAs(r.producer, entry.producer),
    );
    return entry.consumers.map((consumer) => ({
      eventType,
      producer: entry.producer,
      consumer,
      produced: ofType.length > 0,
      consumed: ofType.some((r) => r.consumer === consumer && r.outcome === 'applied'),
    }));
  });
}
