import { defineRoute } from '@gpuaas/http-api';
import type { ReplayContext } from '../app-context';
import { getReplay } from '../replays/operations';
import { replayView } from '../replays/replay-view';
import { Replay, ReplayParams } from './replay-schemas';

export const getReplayRoute = (ctx: ReplayContext) =>
  defineRoute({
    method: 'GET',
    path: '/v1/replays/{replay_id}',
    summary: 'A replay: its status and why, and how many entries moved, failed or were skipped',
    tags: ['replays'],
    auth: 'operator',
    params: ReplayParams,
    responses: { 200: Replay },
    async handler({ params }) {
      return { status: 200, body: replayView(await getReplay(ctx, params.replay_id)) };
    },
  });
