import type { Timestamp } from '@google-cloud/firestore';
import type { EntryStatus } from '../domain/entry-status';
import type { LetterReason } from '../domain/letter-reason';

/** Where an entry's bytes are: inline when small, else `data_chunks/<sha256>-<n>`. */
export interface StoredData {
  size: number;
  sha256: string;
  inline: Uint8Array | null;
  chunks: number;
}

/** A repaired payload: a new version of the event, the original kept beside it. */
export interface RevisionRecord {
  revision: number;
  event_id: string;
  idempotency_key: string;
  data: StoredData;
  created_by: string;
  created_at: Timestamp;
  reason: string;
}

export type HistoryKind =
  | 'archived'
  | 'seen_again'
  | 'reopened'
  | 'replayed'
  | 'replay_failed'
  | 'released'
  | 'repaired'
  | 'discarded';

export interface HistoryItem {
  at: Timestamp;
  kind: HistoryKind;
  by?: string;
  replay_id?: string;
  replay_count?: number;
  revision?: number;
  reason_code?: string;
  detail?: string;
}

/** `dead_letters/{id}`. */
export interface DeadLetterRecord {
  id: string;
  consumer: string;
  source_subscription: string;
  /** Topic a replay publishes to; null when the source is not a catalog subscription. */
  topic: string | null;
  event_type: string | null;
  event_id: string | null;
  correlation_id: string | null;
  idempotency_key: string | null;
  version: string | null;
  reason: {
    source: LetterReason['source'];
    code: string;
    detail: string | null;
    delivery_count: number | null;
  };
  /** Flat copy of `reason.code`, for filters and counts. */
  reason_code: string;
  status: EntryStatus;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
  seen_count: number;
  /** Recent dead-lettering ids: a forward of one of them changes nothing. */
  letter_ids: string[];
  /** As the producer published them; what a replay sends again. */
  attributes: Record<string, string>;
  /** What the latest dead-lettering added (`dlq_*`, `CloudPubSubDeadLetterSource*`). */
  dead_letter_attributes: Record<string, string>;
  data: StoredData;
  /** False when the push carried no valid base64: the data is the text that arrived. */
  data_base64_valid: boolean;
  revisions: RevisionRecord[];
  /** 0 = the original; a replay sends this revision. */
  current_revision: number;
  replay_count: number;
  replay_claim: { replay_id: string; at: Timestamp } | null;
  last_replay: { replay_id: string; at: Timestamp; by: string } | null;
  discard: { by: string; at: Timestamp; reason: string } | null;
  history: HistoryItem[];
  /** `safeReplayDeadline(first_seen_at)`: past it a replay could apply an applied event twice. */
  replay_deadline: Timestamp;
  /** Firestore TTL field. */
  expire_at: Timestamp;
  updated_at: Timestamp;
}

/** History and dead-lettering ids kept per entry; the audit log keeps every action. */
export const MAX_HISTORY = 100;
export const MAX_LETTER_IDS = 50;

export const appendCapped = <T>(list: readonly T[], item: T, max: number): T[] =>
  [...list, item].slice(-max);
