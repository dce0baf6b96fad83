import type { BalanceOf } from '@gpuaas/allocations';
import type { ServiceOptions } from '@gpuaas/eventing';
import {
  createApi,
  createUserRegistry,
  operatorVerifierFromEnv,
  registryRoutes,
  type VerifyOperator,
} from '@gpuaas/http-api';
import { pushBasePaths } from '@gpuaas/topology/services';
import type { OrchestratorConfig } from './config';
import type { OrchestratorContext } from './routes/context';
import { getAllocationRoute } from './routes/get-allocation';
import { listAllocationsRoute } from './routes/list-allocations';
import { listGpuTypesRoute } from './routes/list-gpu-types';
import { releaseAllocationRoute } from './routes/release-allocation';
import { requestAllocationRoute } from './routes/request-allocation';
import { failedSubscription } from './subscriptions/failed';

export interface OrchestratorDeps {
  /** The user's balance for the early 402; the ledger's `userBalance` by default. */
  balanceOf?: BalanceOf;
  now?: () => Date;
  operators?: VerifyOperator;
}

/** The orchestrator as the runtime runs it; index.ts and the tests start exactly this. */
export function orchestratorService(
  config: OrchestratorConfig,
  deps: OrchestratorDeps = {},
): ServiceOptions {
  const context: OrchestratorContext = {
    config,
    balanceOf: deps.balanceOf,
    now: deps.now ?? (() => new Date()),
  };
  const operators = deps.operators ?? operatorVerifierFromEnv(config.env);
  return {
    config: config.eventing,
    basePaths: pushBasePaths('orchestrator'),
    subscriptions: [failedSubscription],
    api: (runtime) => {
      const registry = createUserRegistry(runtime.firestore);
      return createApi({
        title: 'GPUaaS Orchestrator API',
        version: '1.0.0',
        description:
          'Request and release GPU allocations; operators create users and their API keys.',
        routes: [
          requestAllocationRoute(runtime, context),
          releaseAllocationRoute(runtime, context),
          getAllocationRoute(runtime),
          listAllocationsRoute(runtime),
          listGpuTypesRoute(config),
          ...registryRoutes(registry),
        ],
        principals: { users: registry, operators },
        logger: runtime.logger,
        idempotency: { firestore: runtime.firestore },
        bodyLimitBytes: config.bodyLimitBytes,
      });
    },
  };
}
