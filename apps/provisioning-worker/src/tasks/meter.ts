import { type Allocation, readAllocation, storedInstant } from '@gpuaas/allocations';
import type { ServiceRuntime } from '@gpuaas/eventing';
import { defineTask } from '@gpuaas/eventing';
import { nextInterval } from '../domain/metering';
import { mapLimit } from '../operations/pause';
import { allocationsIn } from '../store/allocation-queries';
import { commitTransition } from '../store/commit-transition';
import type { WorkerContext } from '../worker-context';

const CHUNK = 200;

/** One allocation's next interval, decided again on the document as the transaction reads it. */
async function meterOne(runtime: ServiceRuntime, allocation: Allocation, now: Date) {
  const { firestore } = runtime;
  const id = allocation.allocation_id;
  const { result } = await runtime.producer.transact(
    async (tx, emit) => {
      const current = await readAllocation(tx, firestore, id);
      if (!current?.metered_until) return false;
      const interval = nextInterval(
        current.metered_until,
        now,
        current.price.billing_increment_seconds,
      );
      if (!interval) return false;
      const outcome = await commitTransition(tx, firestore, emit, id, {
        kind: 'meter',
        at: storedInstant(now),
        through: interval.end,
      });
      return outcome.applied;
    },
    // The tick's own trace, linked to the one the allocation was requested in.
    { correlationId: id, ...(allocation.traceparent ? { linkTo: allocation.traceparent } : {}) },
  );
  return result;
}

/**
 * `POST /tasks/meter`: the usage interval of every active (or still releasing) allocation, from
 * where its metering stopped. Each interval moves `metered_until` in the transaction that emits
 * it, so a tick that runs twice, late or concurrently emits nothing twice.
 */
export const meterTask = (worker: WorkerContext) =>
  defineTask({
    name: 'meter',
    async run({ runtime, log }) {
      const now = worker.now();
      let invalid = 0;
      const onInvalid = (path: string, error: unknown) => {
        invalid += 1;
        log.error({ path, err: error }, 'allocation off its schema skipped');
      };
      let allocations = 0;
      let intervals = 0;
      const work = async (chunk: Allocation[]) => {
        const done = await mapLimit(chunk, worker.config.taskConcurrency, (a) =>
          nextInterval(a.metered_until ?? '', now, a.price.billing_increment_seconds)
            ? meterOne(runtime, a, now)
            : Promise.resolve(false),
        );
        allocations += chunk.length;
        intervals += done.filter(Boolean).length;
      };
      let chunk: Allocation[] = [];
      for await (const allocation of allocationsIn(
        runtime.firestore,
        ['active', 'releasing'],
        onInvalid,
      )) {
        if (allocation.metered_until === null) continue;
        chunk.push(allocation);
        if (chunk.length === CHUNK) {
          await work(chunk);
          chunk = [];
        }
      }
      await work(chunk);
      return { allocations, intervals, invalid, through: storedInstant(now) };
    },
  });
