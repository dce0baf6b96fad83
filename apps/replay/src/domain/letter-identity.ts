import { createHash } from 'node:crypto';

/** Archive entry ids: `dl_` and 32 hex digits. */
export const ENTRY_ID = /^dl_[0-9a-f]{32}$/;

const digest = (parts: readonly string[]): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);

/**
 * One entry per (source subscription, bytes): a message a replay sent names its entry
 * (`replay_of`), anything else is known by its data. The same event dead-lettered twice, or
 * again after a replay, lands on the entry it already has; two different payloads never share
 * one, so neither is lost.
 */
export function entryIdOf(
  subscription: string,
  replayOf: string | undefined,
  dataSha256: string,
): string {
  if (replayOf && ENTRY_ID.test(replayOf)) return replayOf;
  return `dl_${digest([subscription, dataSha256])}`;
}

/**
 * One dead-lettering of one delivery: our consumers name the message they failed on; Pub/Sub's
 * own dead letters are known by their id on the dead-letter topic. A forward of the same one
 * (a push redelivery, a repeated DLQ publish) has the same id.
 */
export function letterIdOf(
  sourceMessageId: string | undefined,
  archiveMessageId: string,
  subscription: string,
): string {
  return sourceMessageId
    ? `src:${digest([subscription, sourceMessageId])}`
    : `dlq:${digest([archiveMessageId])}`;
}
