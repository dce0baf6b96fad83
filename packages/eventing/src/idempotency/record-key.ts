import { createHash } from 'node:crypto';

/**
 * Dedupe record id: sha256 of (consumer, event type, catalog key parts). Never the Pub/Sub
 * messageId, which changes when a message is dead-lettered or replayed. The parts are hashed as a
 * JSON array, not joined: `u:1`+`w` and `u`+`1:w` are different keys.
 */
export function dedupeRecordId(
  consumer: string,
  eventType: string,
  keyParts: readonly string[],
): string {
  return createHash('sha256')
    .update(JSON.stringify([consumer, eventType, ...keyParts]))
    .digest('hex');
}

/** JSON with object keys sorted, so equal payloads hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function payloadHash(payload: unknown): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('hex');
}
