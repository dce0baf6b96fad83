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
