import type { Timestamp } from '@google-cloud/firestore';
import { summaryOf } from '../browse/views';
import type { DryRun, Replay } from '../routes/replay-schemas';
import type { ReplayRecord } from '../store/replay-record';
import type { Plan } from './plan';

const iso = (ts: Timestamp | null) => (ts ? ts.toDate().toISOString() : null);

export function replayView(record: ReplayRecord): Replay {
  const { counts } = record;
  const done =
    counts.moved + counts.failed + Math.max(0, counts.skipped - (counts.selected - counts.to_move));
  return {
    id: record.id,
    status: record.status,
    status_reason: record.status_reason,
    created_by: record.created_by,
    created_at: record.created_at.toDate().toISOString(),
    started_at: iso(record.started_at),
    finished_at: iso(record.finished_at),
    selection: {
      ids: record.selection.ids,
      filter: record.selection.filter as Record<string, string> | null,
    },
    rate_per_second: record.options.rate_per_second,
    max_replay_count: record.options.max_replay_count,
    include_invalid: record.options.include_invalid,
    repair: record.repair,
    reason: record.reason,
    counts,
    skipped: record.skipped,
    progress: counts.to_move === 0 ? 1 : Math.min(1, done / counts.to_move),
  };
}

const SAMPLE = 100;

export function dryRunView(plan: Plan): DryRun {
  return {
    dry_run: true,
    counts: plan.counts,
    skipped: plan.skipped,
    entries: plan.entries.slice(0, SAMPLE).map((entry) => ({
      id: entry.id,
      action: entry.action,
      skip_reason: entry.skip,
      validation: entry.validationCode,
      standing: entry.standing,
      entry: entry.record ? summaryOf(entry.record) : null,
    })),
  };
}
