import { readAllocation, storedInstant } from '@gpuaas/allocations';
import { defineTask, type ServiceRuntime } from '@gpuaas/eventing';
import { retryDelaySeconds } from '../domain/release-schedule';
import { attemptSteps } from '../domain/release-steps';
import { mapLimit } from '../operations/pause';
import { attemptRelease } from '../operations/release-attempt';
import { dueReleases } from '../store/allocation-queries';
import { commitTransition } from '../store/commit-transition';
import type { WorkerContext } from '../worker-context';

const BATCH = 100;

type Attempted = 'skipped' | 'released' | 'release_failed' | 'cancelled' | 'retrying';

/** One due attempt: claimed (a concurrent tick then skips it), made, and its result committed. */
async function retryRelease(
  runtime: ServiceRuntime,
  worker: WorkerContext,
  allocation: { allocation_id: string; release: { reason: string; attempts: number } | null },
): Promise<Attempted> {
  const { firestore } = runtime;
  const id = allocation.allocation_id;
  const next = (allocation.release?.attempts ?? 0) + 1;
  const effect = await attemptRelease(firestore, id, worker, {
    reason: 'admin', // already releasing: its own reason stands
    keyOf: (attempt) => `${id}:release:${attempt}`,
    signal: AbortSignal.timeout(
      Math.min(
        worker.config.providerCallTimeoutMs,
        retryDelaySeconds(worker.config.release, next) * 1000,
      ),
    ),
  });
  if (effect.kind === 'none') return 'skipped';
  const { result } = await runtime.producer.transact(
    async (tx, emit) => {
      const current = await readAllocation(tx, firestore, id);
      const steps = attemptSteps(current, effect, effect.attempt, storedInstant(worker.now()));
      if (steps.length === 0) return 'skipped' as const;
      const committed = await commitTransition(tx, firestore, emit, id, steps);
      if (!committed.applied) return 'skipped' as const;
      const status = committed.after.status;
      if (status === 'released' || status === 'release_failed') return status;
      return status === 'failed' ? ('cancelled' as const) : ('retrying' as const);
    },
    { correlationId: id },
  );
  return result;
}

/**
 * `POST /tasks/release-retries`: every release whose next attempt is due (the retry state lives
 * on the allocation: attempts, `next_attempt_at`, deadline). Retries every 30 s by default until
 * the 15 min deadline, then `release_failed`.
 */
export const releaseRetriesTask = (worker: WorkerContext) =>
  defineTask({
    name: 'release-retries',
    async run({ runtime, log }) {
      const due = await dueReleases(runtime.firestore, worker.now(), BATCH, (path, error) =>
        log.error({ path, err: error }, 'allocation off its schema skipped'),
      );
      const outcomes = await mapLimit(due, worker.config.taskConcurrency, (a) =>
        retryRelease(runtime, worker, a),
      );
      const count = (what: Attempted) => outcomes.filter((o) => o === what).length;
      return {
        due: due.length,
        released: count('released'),
        release_failed: count('release_failed'),
        cancelled: count('cancelled'),
        retrying: count('retrying'),
        skipped: count('skipped'),
      };
    },
  });
