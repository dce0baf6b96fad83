import type { ServiceOptions } from '@gpuaas/eventing';
import { createUserRegistry, operatorVerifierFromEnv, type VerifyOperator } from '@gpuaas/http-api';
import { pushBasePaths } from '@gpuaas/topology/services';
import { replayApi } from './api';
import { contextFactory } from './app-context';
import { deadLetterReceivers } from './archive/dead-letter-receivers';
import type { ReplayConfig } from './config';
import { runReplaysTask } from './tasks/run-replays';

export interface ReplayDeps {
  now?: () => Date;
  /** Operator verification; from `OPERATOR_AUTH`/`OPERATOR_AUDIENCE`/`OPERATOR_ALLOW_LIST` by default. */
  operators?: VerifyOperator;
}

/** The replay service as it runs in production; tests start exactly this. */
export function replayService(config: ReplayConfig, deps: ReplayDeps = {}): ServiceOptions {
  const now = deps.now ?? (() => new Date());
  const contextOf = contextFactory(config, now);
  // Built here so a bad operator setting stops the service at start, not at the first request.
  const operators = deps.operators ?? operatorVerifierFromEnv(config.env);
  return {
    config: config.eventing,
    basePaths: pushBasePaths('replay'),
    tasks: [runReplaysTask(contextOf)],
    receivers: deadLetterReceivers({ archiveOf: (runtime) => contextOf(runtime).archive, now }),
    api: (runtime) =>
      replayApi(contextOf(runtime), {
        users: createUserRegistry(runtime.firestore),
        operators,
      }),
  };
}
