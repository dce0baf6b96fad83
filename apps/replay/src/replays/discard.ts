import type { ReplayContext } from '../app-context';
import type { EntryFilter } from '../store/entry-queries';
import { selectionOf } from './operations';

export interface DiscardInput {
  ids?: readonly string[];
  filter?: Omit<EntryFilter, 'status'>;
  reason: string;
  dryRun: boolean;
}

export interface Discarded {
  dryRun: boolean;
  discarded: string[];
  notParked: number;
  notFound: number;
}

/** Discards parked entries, by ids or by filter, with a reason; audited. */
export async function discardEntries(
  ctx: ReplayContext,
  input: DiscardInput,
  actor: string,
): Promise<Discarded> {
  const selection = selectionOf(input);
  const max = ctx.config.replay.maxEntriesPerReplay;
  let ids: string[];
  if (selection.ids) ids = [...new Set(selection.ids)];
  else {
    const snap = await ctx.queries
      .query({ ...selection.filter, status: 'parked' })
      .select()
      .limit(max)
      .get();
    ids = snap.docs.map((doc) => doc.id);
  }
  if (input.dryRun) {
    const records = await ctx.queries.getAll(ids);
    const parked = ids.filter((_, i) => records[i]?.status === 'parked');
    return {
      dryRun: true,
      discarded: parked,
      notParked: records.filter((r) => r && r.status !== 'parked').length,
      notFound: records.filter((r) => !r).length,
    };
  }
  const now = ctx.now();
  const result = await ctx.entries.discard(ids, actor, input.reason, now);
  await ctx.audit.write({
    action: 'discarded',
    actor,
    at: now,
    entryIds: result.discarded,
    filter: (input.filter as Record<string, unknown> | undefined) ?? null,
    counts: {
      discarded: result.discarded.length,
      not_parked: result.notParked.length,
      not_found: result.missing.length,
    },
    reason: input.reason,
  });
  return {
    dryRun: false,
    discarded: result.discarded,
    notParked: result.notParked.length,
    notFound: result.missing.length,
  };
}
