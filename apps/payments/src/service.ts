import type { ServiceOptions } from '@gpuaas/eventing';
import { createUserRegistry, type VerifyOperator } from '@gpuaas/http-api';
import { createLedger } from '@gpuaas/ledger';
import { pushBasePaths } from '@gpuaas/topology/services';
import type { PaymentsConfig } from './config';
import type { PaymentsContext } from './operations/payments-context';
import { paymentsApi } from './routes/payments-api';
import { createPaymentsStore } from './store/payments-store';
import { createSignatureVerifier } from './webhook/verify-signature';

/** What tests may replace; production passes nothing. */
export interface PaymentsServiceDeps {
  now?: () => Date;
  operators?: VerifyOperator;
}

/**
 * The payments service: the Stripe webhook that credits Checkout Sessions once, and the operator
 * API for what does not reconcile. It consumes no events; it produces `balance_credited` and
 * `reconcile_failed` through the producer outbox.
 */
export function paymentsService(
  config: PaymentsConfig,
  deps: PaymentsServiceDeps = {},
): ServiceOptions {
  const verify = createSignatureVerifier({
    secret: config.stripe.webhookSecret,
    toleranceSeconds: config.stripe.toleranceSeconds,
  });
  return {
    config: config.eventing,
    subscriptions: [],
    basePaths: pushBasePaths('payments'),
    api: (runtime) => {
      const context: PaymentsContext = {
        store: createPaymentsStore(runtime.firestore),
        ledger: createLedger({ firestore: runtime.firestore }),
        producer: runtime.producer,
        users: createUserRegistry(runtime.firestore),
        livemode: config.stripe.livemode,
        currencies: config.currencies,
        now: deps.now ?? (() => new Date()),
        logger: runtime.logger,
      };
      return paymentsApi({
        context,
        firestore: runtime.firestore,
        logger: runtime.logger,
        operators: deps.operators ?? config.operators,
        verify,
        webhookDeadlineMs: config.webhookDeadlineMs,
        webhookBodyLimitBytes: config.webhookBodyLimitBytes,
      });
    },
  };
}

export type { PaymentsConfig } from './config';
export { loadPaymentsConfig } from './config';
