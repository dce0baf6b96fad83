import { catalog, type EventType, type PayloadOf } from './catalog';
import type { CatalogEntry } from './catalog-entry';
import { ContractError } from './contract-error';
import { canonicalTimestamp, isRfc3339Utc } from './formats';
import { parseVersion } from './version';

/** Majors of an event type the catalog has a schema for, ascending. */
export function supportedMajors(eventType: EventType): number[] {
  const majors = new Set<number>();
  for (const version of Object.keys(catalog[eventType].versions)) {
    const parts = parseVersion(version);
    if (parts !== undefined) majors.add(parts.major);
  }
  return [...majors].sort((a, b) => a - b);
}

/** The version producers publish by default, e.g. '1.0'. */
export function latestVersion(eventType: EventType): string {
  return catalog[eventType].latest;
}

/** Key fields whose latest schema is an RFC 3339 date-time, per event type. */
const TIMESTAMP_KEY_FIELDS = new Map(
  Object.values(catalog as { readonly [type: string]: CatalogEntry }).map((entry) => {
    const properties = entry.versions[entry.latest]?.properties ?? {};
    const fields = entry.idempotencyKey.filter((field) => {
      const schema = properties[field] as { type?: unknown; format?: unknown } | undefined;
      return schema?.type === 'string' && schema.format === 'date-time';
    });
    return [entry.eventType, new Set(fields)];
  }),
);

/**
 * The values of the catalog idempotency key fields, in catalog order; date-time fields in
 * their canonical spelling (canonicalTimestamp), so `...00Z` and `...00.000Z` make one key.
 */
export function idempotencyKeyParts<T extends EventType>(
  eventType: T,
  payload: PayloadOf<T>,
): string[] {
  const values = payload as Record<string, unknown>;
  const timestamps = TIMESTAMP_KEY_FIELDS.get(eventType);
  return catalog[eventType].idempotencyKey.map((field) => {
    const value = values[field];
    // Guards untyped callers: an empty part would merge unrelated events into one dedupe record.
    if (typeof value !== 'string' || value === '') {
      throw new ContractError('payload_invalid', [
        { path: `/payload/${field}`, message: `idempotency key field ${field} is missing` },
      ]);
    }
    if (!timestamps?.has(field)) return canonicalTimestampSuffix(value);
    if (!isRfc3339Utc(value)) {
      throw new ContractError('payload_invalid', [
        {
          path: `/payload/${field}`,
          message: `idempotency key field ${field} is not an RFC 3339 UTC timestamp`,
        },
      ]);
    }
    return canonicalTimestamp(value);
  });
}

/** RFC 3339 UTC spellings run from 20 (`…:SSZ`) to about 40 characters (nanoseconds). */
const SHORTEST_TIMESTAMP = 20;
const LONGEST_TIMESTAMP = 40;

/**
 * A composite id whose last part is a timestamp (`usage_event_id = <resource_id>:<interval_start>`,
 * an episode id that is a transition time) gets that timestamp in canonical form, so a producer's
 * `…00.000Z` and another's `…00Z` are one key. Anything else is returned as it is.
 */
export function canonicalTimestampSuffix(value: string): string {
  const earliest = Math.max(0, value.length - LONGEST_TIMESTAMP);
  for (let start = value.length - SHORTEST_TIMESTAMP; start >= earliest; start--) {
    if (start > 0 && value[start - 1] !== ':') continue;
    const tail = value.slice(start);
    if (isRfc3339Utc(tail)) return `${value.slice(0, start)}${canonicalTimestamp(tail)}`;
  }
  return value;
}

/** The catalog idempotency key as the table writes it: the parts joined with ':'. */
export function idempotencyKeyOf<T extends EventType>(eventType: T, payload: PayloadOf<T>): string {
  return idempotencyKeyParts(eventType, payload).join(':');
}
