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

/** `replays/{id}/items/{entry_id}`. */
export interface ReplayItemRecord {
  entry_id: string;
  state: ItemState;
  skip_reason: SkipReason | null;
  error: string | null;
  message_id: string | null;
  updated_at: Timestamp;
}
