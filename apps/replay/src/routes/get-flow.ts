import { defineRoute, ProblemError } from '@gpuaas/http-api';
import type { ReplayContext } from '../app-context';
import { FlowParams, FlowView } from '../flows/flow-schema';
import { findFlow } from '../flows/flow-store';

/** Cloud Trace's page of a trace in this project. */
export const traceUrl = (projectId: string, traceId: string | null) =>
  traceId
    ? `https://console.cloud.google.com/traces/list?project=${projectId}&tid=${traceId}`
    : null;

export async function flowView(ctx: ReplayContext, id: string): Promise<FlowView> {
  const flow = await findFlow(ctx.runtime.firestore, id);
  if (!flow) throw new ProblemError(404, 'not_found', 'no event of that id or correlation id');
  const { projectId } = ctx.runtime.config;
  return {
    ...flow,
    events: flow.events.map((event) => ({
      ...event,
      trace_url: traceUrl(projectId, event.trace_id),
    })),
  };
}

export const getFlowRoute = (ctx: ReplayContext) =>
  defineRoute({
    method: 'GET',
    path: '/v1/flows/{id}',
    summary:
      'Where is my event? Every event of a flow (by correlation id or event id), its producer, and what each catalog consumer did with it',
    tags: ['flows'],
    auth: 'operator',
    params: FlowParams,
    responses: { 200: FlowView },
    async handler({ params }) {
      return { status: 200, body: await flowView(ctx, params.id) };
    },
  });
