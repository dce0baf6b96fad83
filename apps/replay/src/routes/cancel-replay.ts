import { defineRoute } from '@gpuaas/http-api';
import type { ReplayContext } from '../app-context';
import { cancelReplay } from '../replays/operations';
import { replayView } from '../replays/replay-view';
import { Replay, ReplayParams } from './replay-schemas';

export const cancelReplayRoute = (ctx: ReplayContext) =>
  defineRoute({
    method: 'POST',
    path: '/v1/replays/{replay_id}/cancel',
    summary: 'Cancel a running replay: what was not moved stays parked',
    tags: ['replays'],
    auth: 'operator',
    params: ReplayParams,
    responses: { 200: Replay },
    idempotent: false,
    async handler({ params, principal }) {
      return {
        status: 200,
        body: replayView(await cancelReplay(ctx, params.replay_id, principal.email)),
      };
    },
  });
