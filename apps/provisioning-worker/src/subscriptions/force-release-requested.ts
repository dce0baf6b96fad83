import {
  type Allocation,
  getAllocation,
  readAllocations,
  recordDepletion,
  storedInstant,
} from '@gpuaas/allocations';
import { defineSubscription, type Emit } from '@gpuaas/eventing';
import { releaseSteps } from '../domain/release-steps';
import { mapLimit } from '../operations/pause';
import { attemptRelease, type ReleaseEffect } from '../operations/release-attempt';
import { liveAllocationsOfUser } from '../store/allocation-queries';
import { commitDecided } from '../store/commit-transition';
import type { WorkerContext } from '../worker-context';

type Effects = Record<string, ReleaseEffect>;

/**
 * Balance depleted: every allocation of the user that holds or may get an instance is released —
 * the snapshot and whatever started since (queried again inside the transaction) — and the user
 * is blocked from new ones.
 */
export const forceReleaseRequestedSubscription = (worker: WorkerContext) =>
  defineSubscription<'gpuaas.provisioning.force_release_requested', Effects>({
    consumer: 'provisioning-worker',
    eventType: 'gpuaas.provisioning.force_release_requested',
    async effect(event, ctx) {
      const { user_id, allocation_ids } = event.payload;
      const live = await liveAllocationsOfUser(ctx.firestore, user_id);
      const snapshot = await Promise.all(
        allocation_ids.map((id) => getAllocation(ctx.firestore, id)),
      );
      const mine = [...live, ...snapshot].filter(
        (a): a is Allocation => a !== undefined && a.user_id === user_id,
      );
      const byId = new Map(mine.map((a) => [a.allocation_id, a]));
      const effects: Effects = {};
      for (const id of byId.keys()) effects[id] = { kind: 'none' };
      await mapLimit([...byId.keys()], worker.config.taskConcurrency, async (id) => {
        effects[id] = await attemptRelease(ctx.firestore, id, worker, {
          reason: 'balance_depleted',
          // One provider operation per allocation and attempt, named after the delivery.
          keyOf: (attempt) => `${ctx.delivery.recordId}:${id}:${attempt}`,
          signal: ctx.signal,
        });
      });
      return effects;
    },
    async handle(event, ctx, effects) {
      const { payload } = event;
      const at = storedInstant(worker.now());
      // Reads first: late starters, the allocations, the block.
      const late = await liveAllocationsOfUser(ctx.firestore, payload.user_id, ctx.tx);
      const ids = [...new Set([...Object.keys(effects), ...late.map((a) => a.allocation_id)])];
      const current = await readAllocations(ctx.tx, ctx.firestore, ids);
      const { user_id, currency, depleted_at, balance_micros, window_id } = payload;
      await recordDepletion(
        ctx.tx,
        ctx.firestore,
        { user_id, currency, depleted_at, balance_micros, window_id },
        at,
      );
      for (const id of ids) {
        const allocation = current.get(id);
        if (!allocation || allocation.user_id !== payload.user_id) continue;
        const steps = releaseSteps(allocation, effects[id] ?? { kind: 'none' }, {
          at,
          reason: 'balance_depleted',
          schedule: worker.config.release,
        });
        // Each release belongs to its allocation's flow, as a release the user asked for does;
        // the depletion that caused it stays its causation.
        const inItsFlow: Emit = (eventType, eventPayload, options) =>
          ctx.emit(eventType, eventPayload, { ...options, correlationId: id });
        if (steps.length > 0) commitDecided(ctx.tx, ctx.firestore, inItsFlow, allocation, steps);
      }
    },
  });
