/** Fields of the envelope worth indexing, read without trusting the bytes. */
export interface PeekedEvent {
  eventType: string | null;
  eventId: string | null;
  correlationId: string | null;
  version: string | null;
  /** Parsed JSON object, when the data is one. */
  json: Record<string, unknown> | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Longer values are not ids: an indexed field stays small. */
const MAX_FIELD = 256;

const field = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' && value.length <= MAX_FIELD ? value : null;

/** The envelope fields of any bytes: nulls for whatever is not there or not plausible. */
export function peekEvent(data: Uint8Array): PeekedEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(data));
  } catch {
    return { eventType: null, eventId: null, correlationId: null, version: null, json: null };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { eventType: null, eventId: null, correlationId: null, version: null, json: null };
  }
  const record = parsed as Record<string, unknown>;
  return {
    eventType: field(record.event_type),
    eventId: field(record.event_id),
    correlationId: field(record.correlation_id),
    version: field(record.version),
    json: record,
  };
}

/** UTF-8 text of the data, or null when it is not UTF-8. */
export function utf8Text(data: Uint8Array): string | null {
  try {
    return utf8.decode(data);
  } catch {
    return null;
  }
}

/** Firestore documents hold at most 1 MiB: data above this is split across chunk documents. */
export const INLINE_DATA_BYTES = 64 * 1024;
export const CHUNK_BYTES = 900 * 1024;

/** Pieces of at most `size` bytes (one empty piece for empty data). */
export function chunksOf(data: Buffer, size = CHUNK_BYTES): Buffer[] {
  if (data.length === 0) return [data];
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += size) {
    chunks.push(data.subarray(offset, offset + size));
  }
  return chunks;
}
