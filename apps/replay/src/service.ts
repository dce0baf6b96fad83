import type { ServiceOptions } from '@gpuaas/eventing';
import { pushBasePaths } from '@gpuaas/topology/services';
import { contextFactory } from './app-context';
import { deadLetterReceivers } from './archive/dead-letter-receivers';
import type { ReplayConfig } from './config';

export interface ReplayDeps {
  now?: () => Date;
}

/** The replay service as it runs in production; tests start exactly this. */
export function replayService(config: ReplayConfig, deps: ReplayDeps = {}): ServiceOptions {
  const now = deps.now ?? (() => new Date());
  const contextOf = contextFactory(config, now);
  return {
    config: config.eventing,
    basePaths: pushBasePaths('replay'),
    receivers: deadLetterReceivers({ archiveOf: (runtime) => contextOf(runtime).archive, now }),
  };
}
