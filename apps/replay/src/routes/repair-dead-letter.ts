import { defineRoute } from '@gpuaas/http-api';
import type { ReplayContext } from '../app-context';
import { repairEntry } from '../replays/repair';
import { replayView } from '../replays/replay-view';
import { RepairRequest, RepairResult } from './replay-schemas';
import { EntryParams } from './schemas';

export const repairDeadLetterRoute = (ctx: ReplayContext) =>
  defineRoute({
    method: 'POST',
    path: '/v1/dead-letters/{dead_letter_id}/repairs',
    summary: 'Repair one parked entry: an edited payload, validated, replayed as a new version',
    tags: ['dead letters'],
    auth: 'operator',
    params: EntryParams,
    body: RepairRequest,
    responses: { 201: RepairResult },
    problems: [409],
    async handler({ params, body, principal }) {
      const repaired = await repairEntry(
        ctx,
        params.dead_letter_id,
        { payloadJson: body.payload_json, reason: body.reason, replay: body.replay ?? true },
        principal.email,
      );
      return {
        status: 201,
        body: {
          dead_letter_id: params.dead_letter_id,
          revision: repaired.revision,
          event_id: repaired.eventId,
          replay: repaired.replay ? replayView(repaired.replay) : null,
        },
      };
    },
  });
