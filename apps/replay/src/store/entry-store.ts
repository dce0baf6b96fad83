import { type Firestore, Timestamp } from '@google-cloud/firestore';
import { type AuditInput, auditRecord } from './audit-store';
import { AUDIT, DEAD_LETTERS } from './collections';
import {
  appendCapped,
  type DeadLetterRecord,
  MAX_HISTORY,
  type RevisionRecord,
  type StoredData,
} from './dead-letter-record';

export type RepairResult =
  | { kind: 'repaired'; record: DeadLetterRecord }
  | { kind: 'missing' }
  | { kind: 'not_parked' }
  | { kind: 'changed' };

export interface NewRevision {
  revision: number;
  event_id: string;
  idempotency_key: string;
  data: StoredData;
  created_by: string;
  reason: string;
}

const DISCARDS_PER_TRANSACTION = 100;

/** Operator changes to entries: repairs and discards, each with its audit record. */
export function createEntryStore(firestore: Firestore) {
  const entries = firestore.collection(DEAD_LETTERS);
  const audit = firestore.collection(AUDIT);

  return {
    /**
     * Adds a repaired revision, the original kept: only while the entry is parked and still at
     * the revision the repair was made from.
     */
    async addRevision(
      entryId: string,
      fromRevision: number,
      revision: NewRevision,
      now: Date,
      audited: AuditInput,
    ): Promise<RepairResult> {
      return firestore.runTransaction(async (tx) => {
        const snap = await tx.get(entries.doc(entryId));
        const record = snap.data() as DeadLetterRecord | undefined;
        if (!record) return { kind: 'missing' };
        if (record.status !== 'parked') return { kind: 'not_parked' };
        if (record.current_revision !== fromRevision) return { kind: 'changed' };
        const at = Timestamp.fromDate(now);
        const stored: RevisionRecord = { ...revision, created_at: at };
        const update = {
          revisions: [...record.revisions, stored],
          current_revision: revision.revision,
          history: appendCapped(
            record.history,
            {
              at,
              kind: 'repaired' as const,
              by: revision.created_by,
              revision: revision.revision,
              detail: revision.reason,
            },
            MAX_HISTORY,
          ),
          updated_at: at,
        };
        tx.update(snap.ref, update);
        tx.set(audit.doc(), auditRecord(audited));
        return { kind: 'repaired', record: { ...record, ...update } };
      });
    },

    /** Discards parked entries with a reason; returns which ones it discarded. */
    async discard(
      entryIds: readonly string[],
      by: string,
      reason: string,
      now: Date,
    ): Promise<{ discarded: string[]; notParked: string[]; missing: string[] }> {
      const result = {
        discarded: [] as string[],
        notParked: [] as string[],
        missing: [] as string[],
      };
      const at = Timestamp.fromDate(now);
      for (let i = 0; i < entryIds.length; i += DISCARDS_PER_TRANSACTION) {
        const slice = entryIds.slice(i, i + DISCARDS_PER_TRANSACTION);
        const outcome = await firestore.runTransaction(async (tx) => {
          const snaps = await tx.getAll(...slice.map((id) => entries.doc(id)));
          const part = {
            discarded: [] as string[],
            notParked: [] as string[],
            missing: [] as string[],
          };
          for (const snap of snaps) {
            const record = snap.data() as DeadLetterRecord | undefined;
            if (!record) part.missing.push(snap.id);
            else if (record.status !== 'parked') part.notParked.push(snap.id);
            else {
              tx.update(snap.ref, {
                status: 'discarded',
                discard: { by, at, reason },
                history: appendCapped(
                  record.history,
                  { at, kind: 'discarded', by, detail: reason },
                  MAX_HISTORY,
                ),
                updated_at: at,
              });
              part.discarded.push(snap.id);
            }
          }
          return part;
        });
        result.discarded.push(...outcome.discarded);
        result.notParked.push(...outcome.notParked);
        result.missing.push(...outcome.missing);
      }
      return result;
    },
  };
}

export type EntryStore = ReturnType<typeof createEntryStore>;
