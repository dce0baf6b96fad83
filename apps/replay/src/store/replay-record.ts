import type { Timestamp } from '@google-cloud/firestore';
import type { SkipReason } from '../domain/entry-status';
import type { ReplayStatus } from '../domain/replay-status';
import type { EntryFilter } from './entry-queries';

export interface ReplayCounts {
  /** Entries the selection named or matched. */
  selected: number;
  /** What the plan would republish. */
  to_move: number;
  /** Republished and confirmed by Pub/Sub. */
  moved: number;
  /** Publish refused; the entry is parked again. */
  failed: number;
  /** Left where they are, at planning or when claimed. */
  skipped: number;
  /** Would fail validation again under the consumer's current schema. */
  invalid: number;
  /** The consumer already applied their idempotency key: a replay is a no-op. */
  already_applied: number;
  /** The consumer applied their key with another payload: dead-lettered again. */
  conflicting: number;
}

export type SkipCounts = Record<SkipReason, number>;

/** `replays/{id}`: a replay task, run from this state by whichever runner holds its lease. */
export interface ReplayRecord {
  id: string;
  status: ReplayStatus;
  status_reason: string | null;
  created_by: string;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  updated_at: Timestamp;
  selection: { ids: string[] | null; filter: EntryFilter | null };
  options: { rate_per_second: number; max_replay_count: number; include_invalid: boolean };
  /** Set when the replay sends a repaired revision of one entry. */
  repair: { entry_id: string; revision: number } | null;
  reason: string | null;
  counts: ReplayCounts;
  skipped: SkipCounts;
  runner: { owner: string; until: Timestamp } | null;
}

export type ItemState = 'pending' | 'moved' | 'failed' | 'skipped';

/**
 * `replays/{id}/items/{00000}`: the planned items of a replay, 500 entries per document, so a
 * replay of thousands costs a few writes to plan and one field update per entry as it runs.
 */
export interface ItemChunkRecord {
  index: number;
  entry_ids: string[];
  states: Record<string, ItemState>;
  skip_reasons: Record<string, SkipReason>;
  errors: Record<string, string>;
  message_ids: Record<string, string>;
}

/** One planned item, as a runner keeps it. */
export interface PlannedItem {
  entryId: string;
  chunk: string;
  state: ItemState;
}
