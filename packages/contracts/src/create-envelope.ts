import { randomUUID } from 'node:crypto';
import type { EventType, PayloadOf } from './catalog';
import { latestVersion } from './catalog-queries';
import { ContractError } from './contract-error';
import type { Envelope } from './envelope';
import { registry } from './registry';
import { envelopeCheck, issuesOf, resolveVersion } from './validators';

export interface CreateEnvelopeOptions {
  correlationId: string;
  /** Default: now. A string must already be RFC 3339 UTC. */
  occurredAt?: Date | string;
  /** Default: crypto.randomUUID(). */
  eventId?: string;
  /** Default: the latest version; must be a version the catalog has a schema for. */
  version?: string;
}

function timestamp(occurredAt: Date | string | undefined): string {
  if (occurredAt === undefined) return new Date().toISOString();
  if (typeof occurredAt === 'string') return occurredAt;
  return Number.isNaN(occurredAt.getTime()) ? 'Invalid Date' : occurredAt.toISOString();
}

/** Builds a valid envelope or throws a ContractError; nothing invalid ever leaves a producer. */
export function createEnvelope<T extends EventType>(
  eventType: T,
  payload: PayloadOf<T>,
  options: CreateEnvelopeOptions,
): Envelope<PayloadOf<T>> & { event_type: T } {
  const version = options.version ?? latestVersion(eventType);
  const known = registry.get(eventType);
  // Checked as consumers check it: against the highest minor of its major (resolveVersion).
  const compiled = known?.byVersion.has(version) ? resolveVersion(known, version) : undefined;
  if (compiled === undefined) {
    throw new ContractError('unsupported_major', [
      { path: '/version', message: `${eventType} has no schema for version ${version}` },
    ]);
  }
  const envelope = {
    event_id: options.eventId ?? randomUUID(),
    event_type: eventType,
    occurred_at: timestamp(options.occurredAt),
    version,
    correlation_id: options.correlationId,
    payload,
  };
  if (compiled.event.Check(envelope)) return envelope;
  const envelopeIssues = issuesOf(envelopeCheck, envelope);
  if (envelopeIssues.length > 0) throw new ContractError('envelope_invalid', envelopeIssues);
  throw new ContractError('payload_invalid', issuesOf(compiled.payload, payload, '/payload'));
}
