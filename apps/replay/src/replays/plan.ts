import { ProblemError } from '@gpuaas/http-api';
import type { ReplayContext } from '../app-context';
import { assessEntries } from '../browse/assess';
import { eligibility, noSkipCounts, type SkipReason } from '../domain/entry-status';
import type { DedupeStanding } from '../domain/letter-validation';
import type { DeadLetterRecord } from '../store/dead-letter-record';
import type { EntryFilter } from '../store/entry-queries';
import type { ReplayCounts, SkipCounts } from '../store/replay-record';

export interface ReplaySelection {
  ids?: readonly string[];
  filter?: EntryFilter;
}

export interface PlanOptions {
  maxReplayCount: number;
  includeInvalid: boolean;
}

export interface PlannedEntry {
  id: string;
  record: DeadLetterRecord | undefined;
  action: 'republish' | 'skip';
  skip: SkipReason | null;
  validationCode: string | null;
  standing: DedupeStanding | 'unknown';
}

export interface Plan {
  entries: PlannedEntry[];
  counts: ReplayCounts;
  skipped: SkipCounts;
}

export const noSkips = (): SkipCounts => noSkipCounts();

/** The entries a selection names: by ids as given, by filter every parked match. */
async function selectEntries(
  ctx: ReplayContext,
  selection: ReplaySelection,
): Promise<{ id: string; record: DeadLetterRecord | undefined }[]> {
  const max = ctx.config.replay.maxEntriesPerReplay;
  if (selection.ids) {
    const ids = [...new Set(selection.ids)];
    const records = await ctx.queries.getAll(ids);
    return ids.map((id, i) => ({ id, record: records[i] }));
  }
  const query = ctx.queries.query({ ...selection.filter, status: 'parked' });
  const snap = await query.limit(max + 1).get();
  if (snap.size > max) {
    throw new ProblemError(
      409,
      'selection_too_large',
      `the filter selects more than ${max} entries (REPLAY_MAX_ENTRIES): narrow it`,
    );
  }
  return snap.docs.map((doc) => ({ id: doc.id, record: doc.data() as DeadLetterRecord }));
}

/**
 * What a replay of the selection would do, entry by entry: the dry run answers it, the real run
 * writes it down and then does exactly it. Nothing is changed here.
 */
export async function planReplay(
  ctx: ReplayContext,
  selection: ReplaySelection,
  options: PlanOptions,
): Promise<Plan> {
  const now = ctx.now();
  const selected = await selectEntries(ctx, selection);
  const present = selected.flatMap((s) => (s.record ? [s.record] : []));
  const assessments = await assessEntries(present, { data: ctx.data, queries: ctx.queries });
  const byId = new Map(present.map((record, i) => [record.id, assessments[i]]));
  const counts: ReplayCounts = {
    selected: selected.length,
    to_move: 0,
    moved: 0,
    failed: 0,
    skipped: 0,
    invalid: 0,
    already_applied: 0,
    conflicting: 0,
  };
  const skipped = noSkips();
  const entries = selected.map(({ id, record }): PlannedEntry => {
    const assessment = byId.get(id);
    let skip: SkipReason | null = null;
    if (!record || !assessment) skip = 'not_found';
    else {
      const verdict = eligibility(
        { ...record, replay_deadline: record.replay_deadline.toDate() },
        now,
        options.maxReplayCount,
      );
      if (verdict !== 'eligible') skip = verdict;
      else if (!assessment.validation.ok && !options.includeInvalid) skip = 'invalid';
    }
    const validationCode =
      assessment && !assessment.validation.ok ? assessment.validation.code : null;
    if (skip === null || skip === 'invalid') {
      if (validationCode !== null) counts.invalid += 1;
      if (assessment?.standing === 'already_applied') counts.already_applied += 1;
      if (assessment?.standing === 'conflict') counts.conflicting += 1;
    }
    if (skip === null) counts.to_move += 1;
    else {
      counts.skipped += 1;
      skipped[skip] += 1;
    }
    return {
      id,
      record,
      action: skip === null ? 'republish' : 'skip',
      skip,
      validationCode,
      standing: assessment?.standing ?? 'unknown',
    };
  });
  return { entries, counts, skipped };
}
