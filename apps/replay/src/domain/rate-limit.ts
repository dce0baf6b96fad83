/** Most messages published in one go; a Firestore batch also stays under its 500 writes. */
export const MAX_BATCH = 200;

/** Batch size for a rate: a fifth of a second's worth, so the pace stays even. */
export function batchSize(ratePerSecond: number): number {
  return Math.max(1, Math.min(MAX_BATCH, Math.floor(ratePerSecond / 5)));
}

/**
 * When the batch taking the task past `sentBefore + size` messages may go out: message k (from 1)
 * of a run goes no earlier than start + k / rate, so N messages take at least N / rate seconds.
 */
export function releaseAt(
  startMs: number,
  sentBefore: number,
  size: number,
  ratePerSecond: number,
): number {
  return startMs + ((sentBefore + size) * 1000) / ratePerSecond;
}
