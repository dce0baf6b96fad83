import { defineRoute } from '@gpuaas/http-api';
import type { ReplayContext } from '../app-context';
import { startReplay } from '../replays/operations';
import { dryRunView, replayView } from '../replays/replay-view';
import { DryRun, Replay, ReplayRequest } from './replay-schemas';

export const createReplayRoute = (ctx: ReplayContext) =>
  defineRoute({
    method: 'POST',
    path: '/v1/replays',
    summary: 'Replay dead letters by ids or by filter (dry_run first: nothing changes)',
    description:
      'Republishes the original data and attributes of each selected parked entry to its topic with replay_target, replay_id and replay_count, at rate_per_second. A dry run answers what would be republished, how many would fail validation again and how many are already applied.',
    tags: ['replays'],
    auth: 'operator',
    body: ReplayRequest,
    responses: { 200: DryRun, 201: Replay },
    responseHeaders: { 201: { Location: 'The replay: `/v1/replays/{replay_id}`' } },
    problems: [409],
    async handler({ body, principal, idempotencyKey }) {
      const started = await startReplay(
        ctx,
        {
          ...(body.ids ? { ids: body.ids } : {}),
          ...(body.filter ? { filter: body.filter } : {}),
          dryRun: body.dry_run,
          ratePerSecond: body.rate_per_second,
          maxReplayCount: body.max_replay_count,
          includeInvalid: body.include_invalid,
          reason: body.reason,
        },
        principal.email,
        idempotencyKey,
      );
      if (started.kind === 'dry_run') return { status: 200, body: dryRunView(started.plan) };
      return {
        status: 201,
        body: replayView(started.replay),
        headers: { location: `/v1/replays/${started.replay.id}` },
      };
    },
  });
