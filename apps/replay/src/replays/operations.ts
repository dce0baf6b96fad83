import { randomUUID } from 'node:crypto';
import { Timestamp } from '@google-cloud/firestore';
import { deriveId, invalidInput, ProblemError } from '@gpuaas/http-api';
import type { ReplayContext } from '../app-context';
import { isFinished } from '../domain/replay-status';
import type { EntryFilter } from '../store/entry-queries';
import type { ReplayRecord } from '../store/replay-record';
import { type Plan, planReplay } from './plan';

export interface StartReplay {
  ids?: readonly string[];
  filter?: Omit<EntryFilter, 'status'>;
  dryRun?: boolean;
  ratePerSecond?: number;
  maxReplayCount?: number;
  includeInvalid?: boolean;
  reason?: string;
  /** Set by a repair: the revision this replay sends. */
  repair?: { entryId: string; revision: number };
}

export type Started = { kind: 'dry_run'; plan: Plan } | { kind: 'replay'; replay: ReplayRecord };

/** Checks a selection is exactly one of ids or a filter. */
export function selectionOf(request: {
  ids?: readonly string[];
  filter?: Omit<EntryFilter, 'status'>;
}) {
  if ((request.ids === undefined) === (request.filter === undefined)) {
    throw invalidInput('body', '/ids', 'give either ids or a filter');
  }
  if (request.filter && Object.values(request.filter).every((value) => value === undefined)) {
    throw invalidInput('body', '/filter', 'a filter needs at least one field');
  }
  return request.ids ? { ids: request.ids } : { filter: request.filter };
}

/** Plans a replay; unless it is a dry run, writes it down and starts it. */
export async function startReplay(
  ctx: ReplayContext,
  request: StartReplay,
  actor: string,
  idempotencyKey?: string,
): Promise<Started> {
  const settings = ctx.config.replay;
  const rate = request.ratePerSecond ?? settings.defaultRatePerSecond;
  if (rate > settings.maxRatePerSecond) {
    throw invalidInput(
      'body',
      '/rate_per_second',
      `at most ${settings.maxRatePerSecond} messages per second (REPLAY_MAX_RATE_PER_SECOND)`,
    );
  }
  // A request may hold its entries to a lower guard, never lift the configured one: a poison
  // message that fails every replay stops at the same count whoever asks.
  if (request.maxReplayCount !== undefined && request.maxReplayCount > settings.maxReplayCount) {
    throw invalidInput(
      'body',
      '/max_replay_count',
      `at most ${settings.maxReplayCount} replays of an entry (REPLAY_MAX_REPLAY_COUNT)`,
    );
  }
  const maxReplayCount = request.maxReplayCount ?? settings.maxReplayCount;
  const includeInvalid = request.includeInvalid ?? false;
  const selection = selectionOf(request);
  const plan = await planReplay(ctx, selection, { maxReplayCount, includeInvalid });
  if (request.dryRun) return { kind: 'dry_run', plan };

  const now = ctx.now();
  const at = Timestamp.fromDate(now);
  // A retried request with its Idempotency-Key finds the replay its first attempt wrote.
  const id = deriveId('rpl', actor, idempotencyKey ?? randomUUID());
  const replay: ReplayRecord = {
    id,
    status: 'running',
    status_reason: null,
    created_by: actor,
    created_at: at,
    started_at: null,
    finished_at: null,
    updated_at: at,
    selection: {
      ids: request.ids ? [...new Set(request.ids)] : null,
      filter: request.filter ?? null,
    },
    options: {
      rate_per_second: rate,
      max_replay_count: maxReplayCount,
      include_invalid: includeInvalid,
    },
    repair: request.repair
      ? { entry_id: request.repair.entryId, revision: request.repair.revision }
      : null,
    reason: request.reason ?? null,
    counts: plan.counts,
    skipped: plan.skipped,
    runner: null,
  };
  const created = await ctx.replays.create(
    replay,
    plan.entries.map((entry) => ({ entryId: entry.id, skip: entry.skip })),
    {
      action: 'replay_started',
      actor,
      at: now,
      replayId: id,
      entryIds: plan.entries.filter((e) => e.action === 'republish').map((e) => e.id),
      filter: (request.filter as Record<string, unknown> | undefined) ?? null,
      counts: { ...plan.counts },
      reason: request.reason ?? null,
      ...(request.repair ? { revision: request.repair.revision } : {}),
    },
  );
  ctx.runner.kick(created.id);
  return { kind: 'replay', replay: created };
}

export async function cancelReplay(
  ctx: ReplayContext,
  replayId: string,
  actor: string,
): Promise<ReplayRecord> {
  const replay = await ctx.replays.cancel(replayId, {
    action: 'replay_cancelled',
    actor,
    at: ctx.now(),
    replayId,
  });
  if (!replay) throw new ProblemError(404, 'not_found', 'no such replay');
  if (!isFinished(replay.status)) ctx.runner.kick(replayId);
  return replay;
}

export async function getReplay(ctx: ReplayContext, replayId: string): Promise<ReplayRecord> {
  const replay = await ctx.replays.get(replayId);
  if (!replay) throw new ProblemError(404, 'not_found', 'no such replay');
  return replay;
}
