/** An archive entry's life: parked until replayed or discarded; a new dead-lettering reopens it. */
export type EntryStatus = 'parked' | 'replaying' | 'replayed' | 'discarded';

export const ENTRY_STATUSES: readonly EntryStatus[] = [
  'parked',
  'replaying',
  'replayed',
  'discarded',
];

/** What a dead letter arriving at the archive does to the entry it belongs to. */
export type ArchiveChange =
  /** First sighting. */
  | 'created'
  /** The same dead-lettering forwarded again: nothing changes. */
  | 'duplicate'
  /** Dead-lettered again while still parked. */
  | 'seen_again'
  /** Dead-lettered again after a replay or a discard: parked again, its history kept. */
  | 'reopened';

export function archiveChange(
  current: { status: EntryStatus; letter_ids: readonly string[] } | undefined,
  letterId: string,
): ArchiveChange {
  if (!current) return 'created';
  if (current.letter_ids.includes(letterId)) return 'duplicate';
  return current.status === 'parked' ? 'seen_again' : 'reopened';
}

/** Why a replay leaves an entry where it is. */
export type SkipReason =
  | 'not_found'
  | 'not_parked'
  | 'past_deadline'
  | 'replay_limit'
  | 'unroutable'
  | 'invalid';

export const SKIP_REASONS: readonly SkipReason[] = [
  'not_found',
  'not_parked',
  'past_deadline',
  'replay_limit',
  'unroutable',
  'invalid',
];

/** A count per skip reason, all zero. */
export const noSkipCounts = (): Record<SkipReason, number> =>
  Object.fromEntries(SKIP_REASONS.map((reason) => [reason, 0])) as Record<SkipReason, number>;

export interface EligibilityInput {
  status: EntryStatus;
  topic: string | null;
  replay_count: number;
  replay_deadline: Date;
}

/**
 * Whether a replay may republish the entry now: parked, routable, within the consumers' dedupe
 * horizon (past it a replay could apply an applied event twice), and under the replay_count guard.
 */
export function eligibility(
  entry: EligibilityInput,
  now: Date,
  maxReplayCount: number,
): SkipReason | 'eligible' {
  if (entry.status !== 'parked') return 'not_parked';
  if (entry.topic === null) return 'unroutable';
  if (entry.replay_deadline.getTime() <= now.getTime()) return 'past_deadline';
  if (entry.replay_count >= maxReplayCount) return 'replay_limit';
  return 'eligible';
}
