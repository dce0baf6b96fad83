import type { ServiceOptions } from '@gpuaas/eventing';
import { pushBasePaths } from '@gpuaas/topology/services';
import type { BillingContext } from './billing/billing-context';
import type { BillingConfig } from './config';
import { billingApi } from './routes/billing-api';
import { balanceCredited } from './subscriptions/balance-credited';
import { provisioningActive } from './subscriptions/provisioning-active';
import { usageMetered } from './subscriptions/usage-metered';
import { releaseFailed, releasingCompleted } from './subscriptions/window-end';
import { evaluateBalancesTask } from './tasks/evaluate-balances';

/** What tests may replace; production passes nothing. */
export interface BillingServiceDeps {
  now?: () => Date;
}

/**
 * The billing worker: the `billing-worker` consumer (usage windows, rating, the balance state
 * machine) and the `billing-read-model` consumer of credits, the `evaluate-balances` task and
 * the billing read API, on one service.
 */
export function billingWorkerService(
  config: BillingConfig,
  deps: BillingServiceDeps = {},
): ServiceOptions {
  const context: BillingContext = {
    settings: config.billing,
    now: deps.now ?? (() => new Date()),
  };
  return {
    config: config.eventing,
    subscriptions: [
      provisioningActive(context),
      usageMetered(context),
      releasingCompleted(context),
      releaseFailed(context),
      balanceCredited(context),
    ],
    basePaths: pushBasePaths('billing-worker'),
    tasks: [evaluateBalancesTask(context)],
    api: (runtime) =>
      billingApi({
        firestore: runtime.firestore,
        context,
        operators: config.operators,
        logger: runtime.logger,
      }),
  };
}

export type { BillingConfig, BillingSettings } from './config';
export { loadBillingConfig } from './config';
