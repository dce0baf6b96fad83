import { defineTask } from '@gpuaas/eventing';
import { tasksOf } from '@gpuaas/topology/services';
import type { ReplayContext } from '../app-context';

const RUN_REPLAYS = tasksOf('replay').find((task) => task.name === 'run-replays')?.name;
if (!RUN_REPLAYS)
  throw new Error('the services table gives the replay service no run-replays task');

/** The scheduler's tick: resumes every running or cancelling replay from Firestore. */
export const runReplaysTask = (contextOf: (runtime: ReplayContext['runtime']) => ReplayContext) =>
  defineTask({
    name: RUN_REPLAYS,
    async run({ runtime }) {
      const ctx = contextOf(runtime);
      const outcomes = await ctx.runner.driveActive(ctx.config.replay.driveBudgetSeconds * 1000);
      return { replays: outcomes };
    },
  });
