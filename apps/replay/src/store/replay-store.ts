import { type Firestore, Timestamp, type Transaction } from '@google-cloud/firestore';
import { type Page, paginate } from '@gpuaas/http-api';
import { eligibility, noSkipCounts, type SkipReason } from '../domain/entry-status';
import { ACTIVE_REPLAY_STATUSES, isFinished, type ReplayStatus } from '../domain/replay-status';
import { type AuditInput, auditRecord } from './audit-store';
import { AUDIT, DEAD_LETTERS, REPLAY_ITEMS, REPLAYS } from './collections';
import {
  appendCapped,
  type DeadLetterRecord,
  type HistoryItem,
  MAX_HISTORY,
} from './dead-letter-record';
import type { ItemChunkRecord, PlannedItem, ReplayRecord } from './replay-record';

/** Items of a new replay: one per selected entry, pending or skipped with its reason. */
export interface NewItem {
  entryId: string;
  skip: SkipReason | null;
}

export type LeaseResult =
  | { kind: 'taken'; replay: ReplayRecord }
  | { kind: 'busy' | 'finished' | 'missing' };

export interface Claimed {
  record: DeadLetterRecord;
}

export interface Published {
  entryId: string;
  messageId: string;
  /** When it was sent: a dead-lettering of the replay may be archived before the confirm. */
  at: Date;
}

export interface Unpublished {
  entryId: string;
  error: string;
}

const WRITES_PER_BATCH = 450;
const ITEMS_PER_CHUNK = 500;
const chunkId = (index: number) => String(index).padStart(5, '0');

/** History in the order things happened (a stable sort keeps equal times as written). */
const inTimeOrder = (history: HistoryItem[]): HistoryItem[] =>
  [...history].sort((a, b) => a.at.toMillis() - b.at.toMillis());

/** `replays` and their items: the only state a replay runs from. */
export function createReplayStore(firestore: Firestore) {
  const replays = firestore.collection(REPLAYS);
  const entries = firestore.collection(DEAD_LETTERS);
  const items = (replayId: string) => replays.doc(replayId).collection(REPLAY_ITEMS);
  const audit = firestore.collection(AUDIT);

  const readReplay = async (tx: Transaction, id: string) => {
    const snap = await tx.get(replays.doc(id));
    return snap.exists ? (snap.data() as ReplayRecord) : undefined;
  };

  const ownedBy = (replay: ReplayRecord | undefined, owner: string) =>
    replay !== undefined && replay.runner?.owner === owner;

  /** Moved, failed and skipped as the items say: the runner records them there, per entry. */
  const progress = async (id: string) => {
    const snap = await items(id).get();
    const counted = { moved: 0, failed: 0, skipped: 0, skippedBy: noSkipCounts() };
    for (const doc of snap.docs) {
      const chunk = doc.data() as ItemChunkRecord;
      for (const [entryId, state] of Object.entries(chunk.states)) {
        if (state === 'moved') counted.moved += 1;
        else if (state === 'failed') counted.failed += 1;
        else if (state === 'skipped') {
          counted.skipped += 1;
          const reason = chunk.skip_reasons[entryId];
          if (reason) counted.skippedBy[reason] += 1;
        }
      }
    }
    return counted;
  };

  const withProgress = async (replay: ReplayRecord): Promise<ReplayRecord> => {
    if (isFinished(replay.status)) return replay;
    const live = await progress(replay.id);
    return {
      ...replay,
      counts: { ...replay.counts, moved: live.moved, failed: live.failed, skipped: live.skipped },
      skipped: live.skippedBy,
    };
  };

  return {
    /** A replay with its progress: a running one's is counted from its items. */
    async get(id: string): Promise<ReplayRecord | undefined> {
      const snap = await replays.doc(id).get();
      return snap.exists ? withProgress(snap.data() as ReplayRecord) : undefined;
    },

    list(page: { limit?: number; cursor?: string }): Promise<Page<ReplayRecord>> {
      return paginate(replays, {
        orderBy: [['created_at', 'desc']],
        limit: page.limit,
        cursor: page.cursor,
        map: (doc) => doc.data() as ReplayRecord,
      }).then(async (page) => ({
        ...page,
        items: await Promise.all(page.items.map(withProgress)),
      }));
    },

    async active(): Promise<string[]> {
      const snap = await replays.where('status', 'in', [...ACTIVE_REPLAY_STATUSES]).get();
      return snap.docs.map((doc) => doc.id);
    },

    /**
     * Writes a replay: its items first, the replay document last, so a runner never sees a
     * replay whose items are half written. A second create of one id returns the first.
     */
    async create(replay: ReplayRecord, newItems: readonly NewItem[], started: AuditInput) {
      const existing = await replays.doc(replay.id).get();
      if (existing.exists) return existing.data() as ReplayRecord;
      // Leftovers of a create that died before its replay document.
      const stale = await items(replay.id).get();
      for (let i = 0; i < stale.docs.length; i += WRITES_PER_BATCH) {
        const batch = firestore.batch();
        for (const doc of stale.docs.slice(i, i + WRITES_PER_BATCH)) batch.delete(doc.ref);
        await batch.commit();
      }
      const chunks: ItemChunkRecord[] = [];
      for (let i = 0; i < newItems.length; i += ITEMS_PER_CHUNK) {
        const slice = newItems.slice(i, i + ITEMS_PER_CHUNK);
        const chunk: ItemChunkRecord = {
          index: chunks.length,
          entry_ids: slice.map((item) => item.entryId),
          states: {},
          skip_reasons: {},
          errors: {},
          message_ids: {},
        };
        for (const item of slice) {
          chunk.states[item.entryId] = item.skip === null ? 'pending' : 'skipped';
          if (item.skip !== null) chunk.skip_reasons[item.entryId] = item.skip;
        }
        chunks.push(chunk);
      }
      for (let i = 0; i < chunks.length; i += WRITES_PER_BATCH) {
        const batch = firestore.batch();
        for (const chunk of chunks.slice(i, i + WRITES_PER_BATCH)) {
          batch.set(items(replay.id).doc(chunkId(chunk.index)), chunk);
        }
        await batch.commit();
      }
      return firestore.runTransaction(async (tx) => {
        const current = await readReplay(tx, replay.id);
        if (current) return current;
        tx.set(replays.doc(replay.id), replay);
        tx.set(audit.doc(), auditRecord(started));
        return replay;
      });
    },

    /** A cancel: a running replay becomes `cancelling`; its runner stops at its next batch. */
    async cancel(id: string, cancelled: AuditInput): Promise<ReplayRecord | undefined> {
      return firestore.runTransaction(async (tx) => {
        const replay = await readReplay(tx, id);
        if (!replay) return undefined;
        if (replay.status !== 'running') return replay;
        const next = {
          ...replay,
          status: 'cancelling' as const,
          updated_at: Timestamp.fromDate(cancelled.at),
        };
        tx.update(replays.doc(id), { status: 'cancelling', updated_at: next.updated_at });
        tx.set(audit.doc(), auditRecord(cancelled));
        return next;
      });
    },

    /** Takes the runner lease of an active replay, unless a live runner holds it. */
    async takeLease(id: string, owner: string, until: Date, now: Date): Promise<LeaseResult> {
      return firestore.runTransaction(async (tx) => {
        const replay = await readReplay(tx, id);
        if (!replay) return { kind: 'missing' };
        if (isFinished(replay.status)) return { kind: 'finished' };
        if (
          replay.runner &&
          replay.runner.owner !== owner &&
          replay.runner.until.toMillis() > now.getTime()
        ) {
          return { kind: 'busy' };
        }
        const runner = { owner, until: Timestamp.fromDate(until) };
        const started_at = replay.started_at ?? Timestamp.fromDate(now);
        tx.update(replays.doc(id), { runner, started_at });
        return { kind: 'taken', replay: { ...replay, runner, started_at } };
      });
    },

    /** Renews the lease; undefined when another runner took it over. */
    async renew(id: string, owner: string, until: Date): Promise<ReplayRecord | undefined> {
      return firestore.runTransaction(async (tx) => {
        const replay = await readReplay(tx, id);
        if (!replay || !ownedBy(replay, owner)) return undefined;
        const runner = { owner, until: Timestamp.fromDate(until) };
        tx.update(replays.doc(id), { runner });
        return { ...replay, runner };
      });
    },

    /** The planned items in their order, with their states. */
    async planned(id: string): Promise<PlannedItem[]> {
      const snap = await items(id).orderBy('index').get();
      return snap.docs.flatMap((doc) => {
        const chunk = doc.data() as ItemChunkRecord;
        return chunk.entry_ids.map((entryId) => ({
          entryId,
          chunk: doc.id,
          state: chunk.states[entryId] ?? 'pending',
        }));
      });
    },

    /**
     * Entries a runner that died had claimed go back to parked (their items are still pending):
     * they may or may not have been published, and one replayed twice is a duplicate its consumer
     * skips.
     */
    async releaseClaims(id: string, owner: string, now: Date): Promise<number> {
      const claimed = await entries.where('replay_claim.replay_id', '==', id).get();
      for (const doc of claimed.docs) {
        await firestore.runTransaction(async (tx) => {
          const replay = await readReplay(tx, id);
          const entry = (await tx.get(doc.ref)).data() as DeadLetterRecord | undefined;
          if (!ownedBy(replay, owner)) return;
          if (entry?.status !== 'replaying' || entry.replay_claim?.replay_id !== id) return;
          const at = Timestamp.fromDate(now);
          tx.update(doc.ref, {
            status: 'parked',
            replay_claim: null,
            history: appendCapped(
              entry.history,
              { at, kind: 'released', replay_id: id },
              MAX_HISTORY,
            ),
            updated_at: at,
          });
        });
      }
      return claimed.size;
    },

    /** Claims parked entries for this replay; an entry no longer eligible is skipped. */
    async claim(
      id: string,
      batch: readonly PlannedItem[],
      now: Date,
      maxReplayCount: number,
    ): Promise<{ claimed: Claimed[]; skipped: string[] }> {
      const entryIds = batch.map((item) => item.entryId);
      const chunkOf = new Map(batch.map((item) => [item.entryId, item.chunk]));
      // The replay document stays out of the batch transactions: its lease is renewed beside
      // them, and a transaction on it next to a confirm in flight would wait for that confirm.
      return firestore.runTransaction(async (tx) => {
        const snaps = entryIds.length
          ? await tx.getAll(...entryIds.map((e) => entries.doc(e)))
          : [];
        const at = Timestamp.fromDate(now);
        const claimed: Claimed[] = [];
        const skipped: string[] = [];
        const chunkUpdates = new Map<string, Record<string, unknown>>();
        const chunkField = (entryId: string, field: string, value: unknown) => {
          const chunk = chunkOf.get(entryId) as string;
          const update = chunkUpdates.get(chunk) ?? {};
          update[`${field}.${entryId}`] = value;
          chunkUpdates.set(chunk, update);
        };
        snaps.forEach((snap, i) => {
          const entryId = entryIds[i] as string;
          const record = snap.data() as DeadLetterRecord | undefined;
          const verdict = record
            ? eligibility(
                { ...record, replay_deadline: record.replay_deadline.toDate() },
                now,
                maxReplayCount,
              )
            : 'not_found';
          if (verdict !== 'eligible' || !record) {
            const reason = verdict === 'eligible' ? 'not_found' : verdict;
            chunkField(entryId, 'states', 'skipped');
            chunkField(entryId, 'skip_reasons', reason);
            skipped.push(entryId);
            return;
          }
          const replay_claim = { replay_id: id, at };
          // The item stays pending until confirmed: a runner taking over finds the entry's claim.
          tx.update(snap.ref, { status: 'replaying', replay_claim, updated_at: at });
          claimed.push({ record: { ...record, status: 'replaying', replay_claim } });
        });
        for (const [chunk, update] of chunkUpdates) tx.update(items(id).doc(chunk), update);
        return { claimed, skipped };
      });
    },

    /**
     * Records what Pub/Sub confirmed (replayed) and refused (parked again). An entry that a
     * dead-lettering reopened meanwhile stays parked: it was replayed, and failed again.
     */
    async confirm(
      id: string,
      actor: string,
      published: readonly Published[],
      unpublished: readonly Unpublished[],
      now: Date,
      chunkOf: ReadonlyMap<string, string>,
    ): Promise<void> {
      const chunkUpdates = new Map<string, Record<string, unknown>>();
      const chunkField = (entryId: string, field: string, value: unknown) => {
        const chunk = chunkOf.get(entryId) as string;
        const update = chunkUpdates.get(chunk) ?? {};
        update[`${field}.${entryId}`] = value;
        chunkUpdates.set(chunk, update);
      };
      for (const { entryId, messageId } of published) {
        chunkField(entryId, 'states', 'moved');
        chunkField(entryId, 'message_ids', messageId);
      }
      for (const { entryId, error } of unpublished) {
        chunkField(entryId, 'states', 'failed');
        chunkField(entryId, 'errors', error.slice(0, 1024));
      }
      await firestore.runTransaction(async (tx) => {
        const all = [...published.map((p) => p.entryId), ...unpublished.map((u) => u.entryId)];
        const snaps = all.length ? await tx.getAll(...all.map((e) => entries.doc(e))) : [];
        const at = Timestamp.fromDate(now);
        const records = new Map(
          snaps.map((snap) => [snap.id, snap.data() as DeadLetterRecord | undefined]),
        );
        for (const { entryId, at: sentAt } of published) {
          const record = records.get(entryId);
          if (record) {
            const ours = record.status === 'replaying' && record.replay_claim?.replay_id === id;
            const replayedAt = Timestamp.fromDate(sentAt);
            const replayed: HistoryItem = {
              at: replayedAt,
              kind: 'replayed',
              by: actor,
              replay_id: id,
              replay_count: record.replay_count + 1,
            };
            tx.update(entries.doc(entryId), {
              ...(ours ? { status: 'replayed', replay_claim: null } : {}),
              replay_count: record.replay_count + 1,
              last_replay: { replay_id: id, at: replayedAt, by: actor },
              history: inTimeOrder(appendCapped(record.history, replayed, MAX_HISTORY)),
              updated_at: at,
            });
          }
        }
        for (const { entryId, error } of unpublished) {
          const record = records.get(entryId);
          if (record?.status === 'replaying' && record.replay_claim?.replay_id === id) {
            tx.update(entries.doc(entryId), {
              status: 'parked',
              replay_claim: null,
              history: appendCapped(
                record.history,
                {
                  at,
                  kind: 'replay_failed',
                  by: actor,
                  replay_id: id,
                  detail: error.slice(0, 1024),
                },
                MAX_HISTORY,
              ),
              updated_at: at,
            });
          }
        }
        for (const [chunk, update] of chunkUpdates) tx.update(items(id).doc(chunk), update);
      });
    },

    /** Ends a replay; its runner lease goes with it. */
    async finish(
      id: string,
      owner: string,
      status: Extract<ReplayStatus, 'completed' | 'cancelled' | 'failed'>,
      reason: string | null,
      now: Date,
    ): Promise<ReplayRecord | undefined> {
      // Read first: nothing writes the items once their runner finishes.
      const live = await progress(id);
      return firestore.runTransaction(async (tx) => {
        const replay = await readReplay(tx, id);
        if (!replay || !ownedBy(replay, owner)) return undefined;
        const at = Timestamp.fromDate(now);
        const counts = {
          ...replay.counts,
          moved: live.moved,
          failed: live.failed,
          skipped: live.skipped,
        };
        const done = {
          status,
          status_reason: reason,
          finished_at: at,
          updated_at: at,
          runner: null,
          counts,
          skipped: live.skippedBy,
        };
        tx.update(replays.doc(id), done);
        const finished = { ...replay, ...done };
        tx.set(
          audit.doc(),
          auditRecord({
            action: 'replay_finished',
            actor: replay.created_by,
            at: now,
            replayId: id,
            filter: (replay.selection.filter as Record<string, unknown> | null) ?? null,
            counts: { ...counts },
            reason: reason ?? status,
          }),
        );
        return finished;
      });
    },

    /** Hands the lease back while the replay goes on (a drive's time is up). */
    async release(id: string, owner: string): Promise<void> {
      await firestore.runTransaction(async (tx) => {
        const replay = await readReplay(tx, id);
        if (ownedBy(replay, owner)) tx.update(replays.doc(id), { runner: null });
      });
    },
  };
}

export type ReplayStore = ReturnType<typeof createReplayStore>;
