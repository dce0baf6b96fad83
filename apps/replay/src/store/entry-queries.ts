import { type Firestore, type Query, Timestamp } from '@google-cloud/firestore';
import { DEDUPE_COLLECTION } from '@gpuaas/eventing';
import { type Page, paginate } from '@gpuaas/http-api';
import type { DedupeRecordView } from '../domain/letter-validation';
import { DEAD_LETTER_GROUPS, DEAD_LETTERS } from './collections';
import type { DeadLetterRecord } from './dead-letter-record';

export interface EntryFilter {
  consumer?: string;
  event_type?: string;
  reason?: string;
  status?: string;
  /** On `last_seen_at`, inclusive. */
  from?: string;
  to?: string;
}

export const ENTRY_ORDER = [['last_seen_at', 'desc']] as const;

export interface EntryQueries {
  query(filter: EntryFilter): Query;
  list(
    filter: EntryFilter,
    page: { limit?: number; cursor?: string },
  ): Promise<Page<DeadLetterRecord>>;
  /** Counts per (consumer, reason) of the entries the filter selects. */
  counts(
    filter: Omit<EntryFilter, 'consumer' | 'reason'>,
  ): Promise<{ consumer: string; reason: string; count: number }[]>;
  get(id: string): Promise<DeadLetterRecord | undefined>;
  getAll(ids: readonly string[]): Promise<(DeadLetterRecord | undefined)[]>;
  /** The consumer's dedupe record (eventing's `DEDUPE_COLLECTION`). */
  dedupeRecords(recordIds: readonly string[]): Promise<(DedupeRecordView | undefined)[]>;
}

/** Reads of `dead_letters`; in production each filter combination needs its composite index. */
export function createEntryQueries(firestore: Firestore): EntryQueries {
  const entries = firestore.collection(DEAD_LETTERS);

  const query = (filter: EntryFilter): Query => {
    let q: Query = entries;
    if (filter.consumer) q = q.where('consumer', '==', filter.consumer);
    if (filter.event_type) q = q.where('event_type', '==', filter.event_type);
    if (filter.reason) q = q.where('reason_code', '==', filter.reason);
    if (filter.status) q = q.where('status', '==', filter.status);
    if (filter.from) q = q.where('last_seen_at', '>=', Timestamp.fromDate(new Date(filter.from)));
    if (filter.to) q = q.where('last_seen_at', '<=', Timestamp.fromDate(new Date(filter.to)));
    return q;
  };

  return {
    query,
    list(filter, page) {
      return paginate(query(filter), {
        orderBy: ENTRY_ORDER,
        limit: page.limit,
        cursor: page.cursor,
        map: (doc) => doc.data() as DeadLetterRecord,
      });
    },
    async counts(filter) {
      const groups = await firestore.collection(DEAD_LETTER_GROUPS).get();
      const counted = await Promise.all(
        groups.docs.map(async (group) => {
          const consumer = group.get('consumer') as string;
          const reason = group.get('reason_code') as string;
          const snap = await query({ ...filter, consumer, reason })
            .count()
            .get();
          return { consumer, reason, count: snap.data().count };
        }),
      );
      return counted
        .filter((group) => group.count > 0)
        .sort((a, b) => b.count - a.count || a.consumer.localeCompare(b.consumer));
    },
    async get(id) {
      const snap = await entries.doc(id).get();
      return snap.exists ? (snap.data() as DeadLetterRecord) : undefined;
    },
    async getAll(ids) {
      if (ids.length === 0) return [];
      const snaps = await firestore.getAll(...ids.map((id) => entries.doc(id)));
      return snaps.map((snap) => (snap.exists ? (snap.data() as DeadLetterRecord) : undefined));
    },
    async dedupeRecords(recordIds) {
      if (recordIds.length === 0) return [];
      const records = firestore.collection(DEDUPE_COLLECTION);
      const snaps = await firestore.getAll(...recordIds.map((id) => records.doc(id)));
      return snaps.map((snap) => (snap.exists ? (snap.data() as DedupeRecordView) : undefined));
    },
  };
}
