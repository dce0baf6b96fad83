import type { ServiceOptions } from '@gpuaas/eventing';
import { createUserRegistry, operatorVerifierFromEnv, type VerifyOperator } from '@gpuaas/http-api';
import { pushBasePaths } from '@gpuaas/topology/services';
import { replayApi } from './api';
import { contextFactory } from './app-context';
import { deadLetterReceivers } from './archive/dead-letter-receivers';
import type { ReplayConfig } from './config';
import type { ReplayRunner } from './replays/runner';
import { runReplaysTask } from './tasks/run-replays';

export interface ReplayDeps {
  now?: () => Date;
  /** Operator verification; from `OPERATOR_AUTH`/`OPERATOR_AUDIENCE`/`OPERATOR_ALLOW_LIST` by default. */
  operators?: VerifyOperator;
}

/** The replay service as it runs in production; tests start exactly this. */
export function replayService(config: ReplayConfig, deps: ReplayDeps = {}): ServiceOptions {
  const now = deps.now ?? (() => new Date());
  const runners = new Set<ReplayRunner>();
  const contextOf = contextFactory(config, now, (runner) => runners.add(runner));
  // Built here so a bad operator setting stops the service at start, not at the first request.
  const operators = deps.operators ?? operatorVerifierFromEnv(config.env);
  return {
    config: config.eventing,
    basePaths: pushBasePaths('replay'),
    // Replay drives stop, handing their leases back, before the clients close.
    onShutdown: async () => {
      await Promise.all([...runners].map((runner) => runner.stop()));
    },
    tasks: [runReplaysTask(contextOf)],
    receivers: deadLetterReceivers({ archiveOf: (runtime) => contextOf(runtime).archive, now }),
    api: (runtime) =>
      replayApi(contextOf(runtime), {
        users: createUserRegistry(runtime.firestore),
        operators,
      }),
  };
}
