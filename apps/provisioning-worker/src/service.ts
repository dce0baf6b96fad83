import type { Firestore } from '@google-cloud/firestore';
import type { BalanceOf } from '@gpuaas/allocations';
import type { ServiceOptions } from '@gpuaas/eventing';
import {
  createApi,
  createUserRegistry,
  operatorVerifierFromEnv,
  type VerifyOperator,
} from '@gpuaas/http-api';
import { pushBasePaths } from '@gpuaas/topology/services';
import type { Logger } from 'pino';
import type { WorkerConfig } from './config';
import type { GpuProvider } from './provider/gpu-provider';
import { SimulatedProvider } from './provider/simulated-provider';
import { resolveReleaseFailedRoute } from './routes/resolve-release-failed';
import { balanceDepletedSubscription } from './subscriptions/balance-depleted';
import { forceReleaseRequestedSubscription } from './subscriptions/force-release-requested';
import { releasingRequestedSubscription } from './subscriptions/releasing-requested';
import { requestedSubscription } from './subscriptions/requested';
import { meterTask } from './tasks/meter';
import { reconcileTask } from './tasks/reconcile';
import { releaseRetriesTask } from './tasks/release-retries';
import type { WorkerContext } from './worker-context';

export interface WorkerDeps {
  /** The GPU provider; the simulated one from the config by default. */
  provider?: GpuProvider;
  /** The user's balance; the ledger's `userBalance` by default. */
  balanceOf?: BalanceOf;
  now?: () => Date;
  operators?: VerifyOperator;
  firestore?: Firestore;
  logger?: Logger;
}

/** The provisioning worker as the runtime runs it; index.ts and the tests start exactly this. */
export function provisioningWorkerService(
  config: WorkerConfig,
  deps: WorkerDeps = {},
): ServiceOptions {
  const now = deps.now ?? (() => new Date());
  const worker: WorkerContext = {
    config,
    provider: deps.provider ?? new SimulatedProvider({ ...config.simulated, now }),
    ...(deps.balanceOf ? { balanceOf: deps.balanceOf } : {}),
    now,
  };
  const operators = deps.operators ?? operatorVerifierFromEnv(config.env);
  return {
    config: config.eventing,
    ...(deps.firestore ? { firestore: deps.firestore } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
    basePaths: pushBasePaths('provisioning-worker'),
    subscriptions: [
      requestedSubscription(worker),
      releasingRequestedSubscription(worker),
      forceReleaseRequestedSubscription(worker),
      balanceDepletedSubscription(worker),
    ],
    tasks: [meterTask(worker), reconcileTask(worker), releaseRetriesTask(worker)],
    api: (runtime) =>
      createApi({
        title: 'Provisioning worker operations API',
        version: '1.0.0',
        routes: [resolveReleaseFailedRoute(worker, runtime.firestore)],
        principals: { users: createUserRegistry(runtime.firestore), operators },
        logger: runtime.logger,
      }),
  };
}
