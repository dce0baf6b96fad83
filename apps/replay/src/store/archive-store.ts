import { type Firestore, Timestamp } from '@google-cloud/firestore';
import { safeReplayDeadline } from '@gpuaas/eventing';
import { type ArchiveChange, archiveChange } from '../domain/entry-status';
import type { IncomingLetter } from '../domain/incoming-letter';
import { DEAD_LETTER_GROUPS, DEAD_LETTERS } from './collections';
import type { DataStore } from './data-store';
import {
  appendCapped,
  type DeadLetterRecord,
  type HistoryItem,
  MAX_HISTORY,
  MAX_LETTER_IDS,
} from './dead-letter-record';

export interface Retention {
  idempotencyRetentionDays: number;
  deadLetterRetentionDays: number;
}

export interface ArchiveStoreOptions {
  firestore: Firestore;
  data: DataStore;
  retention: Retention;
}

const DAY_MS = 86_400_000;

export const groupId = (consumer: string, reasonCode: string) => `${consumer}~${reasonCode}`;

/** Writes dead letters into `dead_letters`: one entry per dead letter, idempotently. */
export function createArchiveStore(options: ArchiveStoreOptions) {
  const { firestore, data, retention } = options;
  const entries = firestore.collection(DEAD_LETTERS);
  const knownGroups = new Set<string>();

  // An entry lives until a replay is no longer safe, and at least the archive retention after
  // it was last dead-lettered, so a late reopen can still be looked at.
  const expiry = (firstSeen: Date, lastSeen: Date) =>
    Timestamp.fromMillis(
      Math.max(
        safeReplayDeadline(firstSeen, retention).getTime(),
        lastSeen.getTime() + retention.deadLetterRetentionDays * DAY_MS,
      ),
    );

  const rememberGroup = async (consumer: string, reasonCode: string, now: Timestamp) => {
    const id = groupId(consumer, reasonCode);
    if (knownGroups.has(id)) return;
    await firestore
      .collection(DEAD_LETTER_GROUPS)
      .doc(id)
      .set({ consumer, reason_code: reasonCode, first_seen_at: now }, { merge: true });
    knownGroups.add(id);
  };

  return async function archive(letter: IncomingLetter, at: Date): Promise<ArchiveChange> {
    const now = Timestamp.fromDate(at);
    const ref = entries.doc(letter.entryId);
    const existing = await ref.get();
    // Bytes are stored once, by whoever creates the entry; a reopen keeps the stored versions.
    const stored = existing.exists
      ? undefined
      : await data.put(letter.entryId, letter.data, expiry(at, at));
    await rememberGroup(letter.route.consumer, letter.reason.code, now);

    const outcome = await firestore.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      const current = snap.data() as DeadLetterRecord | undefined;
      const change = archiveChange(current, letter.letterId);
      if (change === 'duplicate') return { change, extend: undefined };
      const reason = {
        source: letter.reason.source,
        code: letter.reason.code,
        detail: letter.reason.detail,
        delivery_count: letter.reason.deliveryCount,
      };
      const seen: HistoryItem = {
        at: now,
        kind: change === 'created' ? 'archived' : change,
        reason_code: letter.reason.code,
        ...(letter.reason.detail ? { detail: letter.reason.detail.slice(0, 1024) } : {}),
        ...(letter.replay.replayId ? { replay_id: letter.replay.replayId } : {}),
        ...(letter.replay.count !== null ? { replay_count: letter.replay.count } : {}),
        ...(letter.replay.revision !== null ? { revision: letter.replay.revision } : {}),
      };
      if (!current) {
        // The entry was absent a moment ago; its data was stored above or by a concurrent forward.
        const dataOf = stored ?? (await data.put(letter.entryId, letter.data, expiry(at, at)));
        const record: DeadLetterRecord = {
          id: letter.entryId,
          consumer: letter.route.consumer,
          source_subscription: letter.route.subscription,
          topic: letter.route.topic,
          event_type: letter.eventType,
          event_id: letter.eventId,
          correlation_id: letter.correlationId,
          idempotency_key: letter.idempotencyKey,
          version: letter.version,
          reason,
          reason_code: letter.reason.code,
          status: 'parked',
          first_seen_at: now,
          last_seen_at: now,
          seen_count: 1,
          letter_ids: [letter.letterId],
          attributes: letter.attributes.original,
          dead_letter_attributes: letter.attributes.deadLetter,
          data: dataOf,
          data_base64_valid: letter.dataBase64Valid,
          revisions: [],
          current_revision: 0,
          replay_count: 0,
          replay_claim: null,
          last_replay: null,
          discard: null,
          history: [seen],
          replay_deadline: Timestamp.fromDate(
            safeReplayDeadline(at, {
              idempotencyRetentionDays: retention.idempotencyRetentionDays,
            }),
          ),
          expire_at: expiry(at, at),
          updated_at: now,
        };
        tx.set(ref, record);
        return { change, extend: undefined };
      }
      const expireAt = expiry(current.first_seen_at.toDate(), at);
      tx.update(ref, {
        status: 'parked',
        last_seen_at: now,
        seen_count: current.seen_count + 1,
        letter_ids: appendCapped(current.letter_ids, letter.letterId, MAX_LETTER_IDS),
        reason,
        reason_code: letter.reason.code,
        dead_letter_attributes: letter.attributes.deadLetter,
        replay_claim: null,
        // A reopened discard is parked again; the discard stays in the history.
        discard: null,
        history: appendCapped(current.history, seen, MAX_HISTORY),
        expire_at: expireAt,
        updated_at: now,
      });
      return { change, extend: { expireAt, current } };
    });
    if (outcome.extend) {
      const { current, expireAt } = outcome.extend;
      await data.extend(current.id, current.data, expireAt);
      for (const revision of current.revisions) {
        await data.extend(current.id, revision.data, expireAt);
      }
    }
    return outcome.change;
  };
}

export type ArchiveLetter = ReturnType<typeof createArchiveStore>;
