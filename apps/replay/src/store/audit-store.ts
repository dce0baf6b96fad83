import { type Firestore, Timestamp } from '@google-cloud/firestore';
import { type Page, paginate } from '@gpuaas/http-api';
import { AUDIT } from './collections';

export type AuditAction =
  | 'replay_started'
  | 'replay_cancelled'
  | 'replay_finished'
  | 'repaired'
  | 'discarded';

/** `replay_audit/{id}`: who did what, when, to which entries, with which filter and counts. */
export interface AuditRecord {
  action: AuditAction;
  actor: string;
  at: Timestamp;
  replay_id: string | null;
  entry_ids: string[];
  /** How many entries the action named in all (`entry_ids` keeps the first 100). */
  entry_count: number;
  filter: Record<string, unknown> | null;
  counts: Record<string, number> | null;
  reason: string | null;
  revision: number | null;
}

const MAX_IDS = 100;

export interface AuditInput {
  action: AuditAction;
  actor: string;
  at: Date;
  replayId?: string;
  entryIds?: readonly string[];
  filter?: Record<string, unknown> | null;
  counts?: Record<string, number>;
  reason?: string | null;
  revision?: number;
}

export const auditRecord = (input: AuditInput): AuditRecord => ({
  action: input.action,
  actor: input.actor,
  at: Timestamp.fromDate(input.at),
  replay_id: input.replayId ?? null,
  entry_ids: (input.entryIds ?? []).slice(0, MAX_IDS),
  entry_count: input.entryIds?.length ?? 0,
  filter: input.filter ?? null,
  counts: input.counts ?? null,
  reason: input.reason ?? null,
  revision: input.revision ?? null,
});

export function createAuditStore(firestore: Firestore) {
  const audit = firestore.collection(AUDIT);
  return {
    ref: () => audit.doc(),
    async write(input: AuditInput): Promise<void> {
      await audit.add(auditRecord(input));
    },
    list(page: { limit?: number; cursor?: string }): Promise<Page<AuditRecord>> {
      return paginate(audit, {
        orderBy: [['at', 'desc']],
        limit: page.limit,
        cursor: page.cursor,
        map: (doc) => doc.data() as AuditRecord,
      });
    },
  };
}

export type AuditStore = ReturnType<typeof createAuditStore>;
