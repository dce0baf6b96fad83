import { createHash } from 'node:crypto';
import {
  catalog,
  type EventType,
  isEventType,
  isRfc3339Utc,
  latestVersion,
  parseVersion,
  supportedMajors,
} from '@gpuaas/contracts';
import { invalidInput, ProblemError } from '@gpuaas/http-api';
import type { ReplayContext } from '../app-context';
import { sentData } from '../browse/assess';
import { peekEvent } from '../domain/letter-data';
import { validateLetter } from '../domain/letter-validation';
import type { ReplayRecord } from '../store/replay-record';
import { startReplay } from './operations';

export interface RepairInput {
  payloadJson: string;
  reason: string;
  replay: boolean;
}

export interface Repaired {
  revision: number;
  eventId: string;
  replay: ReplayRecord | null;
}

/** A uuid that is the same for the same entry and revision: a retried repair names one event. */
function revisionEventId(entryId: string, revision: number): string {
  const hex = createHash('sha256').update(`${entryId}:${revision}`).digest('hex');
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const versionFor = (eventType: EventType, sent: string | null): string => {
  const parts = sent ? parseVersion(sent) : undefined;
  const known = sent !== null && Object.hasOwn(catalog[eventType].versions, sent);
  return parts && known && supportedMajors(eventType).includes(parts.major)
    ? (sent as string)
    : latestVersion(eventType);
};

/**
 * Repairs one parked entry: the edited payload in the envelope of the event (a new event id, the
 * same correlation), validated against the consumer's schema before anything is kept. The
 * original stays; the repair becomes the entry's current revision and is replayed.
 */
export async function repairEntry(
  ctx: ReplayContext,
  entryId: string,
  input: RepairInput,
  actor: string,
): Promise<Repaired> {
  const record = await ctx.queries.get(entryId);
  if (!record) throw new ProblemError(404, 'not_found', 'no such dead letter');
  if (record.status !== 'parked') {
    throw new ProblemError(
      409,
      'not_parked',
      `the entry is ${record.status}; only a parked entry can be repaired`,
    );
  }
  if (!record.topic || !isEventType(record.topic)) {
    throw new ProblemError(409, 'unroutable', 'the entry has no catalog subscription to replay to');
  }
  const eventType = record.topic;
  let payload: unknown;
  try {
    payload = JSON.parse(input.payloadJson);
  } catch (error) {
    throw invalidInput('body', '/payload_json', `not JSON: ${(error as Error).message}`);
  }
  const base = peekEvent(await ctx.data.get(record.id, sentData(record)));
  const occurredAt = base.json?.occurred_at;
  const revision = record.revisions.length + 1;
  const eventId = revisionEventId(record.id, revision);
  const envelope = {
    event_id: eventId,
    event_type: eventType,
    occurred_at:
      typeof occurredAt === 'string' && isRfc3339Utc(occurredAt)
        ? occurredAt
        : ctx.now().toISOString(),
    version: versionFor(eventType, base.version),
    correlation_id: base.correlationId ?? record.correlation_id ?? `repair-${record.id}`,
    payload,
  };
  const data = Buffer.from(JSON.stringify(envelope));
  const validation = validateLetter(data, record.consumer, eventType);
  if (!validation.ok) {
    throw new ProblemError(
      400,
      'repair_invalid',
      `the repaired event fails validation (${validation.code})`,
      {
        errors: validation.issues.map((issue) => ({
          pointer: '/payload_json',
          in: 'body' as const,
          detail: `${issue.path || '/'}: ${issue.message}`,
        })),
      },
    );
  }
  const stored = await ctx.data.put(record.id, data, record.expire_at);
  const now = ctx.now();
  const result = await ctx.entries.addRevision(
    record.id,
    record.current_revision,
    {
      revision,
      event_id: eventId,
      idempotency_key: validation.idempotencyKey,
      data: stored,
      created_by: actor,
      reason: input.reason,
    },
    now,
    { action: 'repaired', actor, at: now, entryIds: [record.id], reason: input.reason, revision },
  );
  if (result.kind === 'missing') throw new ProblemError(404, 'not_found', 'no such dead letter');
  if (result.kind !== 'repaired') {
    throw new ProblemError(
      409,
      'conflict',
      'the entry changed while it was being repaired: look again',
    );
  }
  if (!input.replay) return { revision, eventId, replay: null };
  const started = await startReplay(
    ctx,
    { ids: [record.id], reason: input.reason, repair: { entryId: record.id, revision } },
    actor,
  );
  return { revision, eventId, replay: started.kind === 'replay' ? started.replay : null };
}
