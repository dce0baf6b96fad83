import {
  ConfigError,
  type EventingConfig,
  envBoolean,
  envCurrencies,
  envInteger,
  loadConfig,
} from '@gpuaas/eventing';
import { operatorVerifierFromEnv, type VerifyOperator } from '@gpuaas/http-api';

type Env = Record<string, string | undefined>;

/** The payments service's settings: the runtime's, then Stripe's and the operators'. */
export interface PaymentsConfig {
  eventing: EventingConfig;
  stripe: {
    /** The webhook endpoint's signing secret (Secret Manager `stripe-webhook-secret`). */
    webhookSecret: string;
    /** Which Stripe mode's money this deployment accepts; the other mode's events never credit. */
    livemode: boolean;
    /** How old a signature may be. */
    toleranceSeconds: number;
  };
  /** The currencies the platform bills (`BILLING_CURRENCIES`, read as the billing worker reads it). */
  currencies: string[];
  /** A webhook not processed within this answers 503 (Stripe gives up on slow endpoints). */
  webhookDeadlineMs: number;
  webhookBodyLimitBytes: number;
  /** Who may call the operator routes (`OPERATOR_AUTH`, `OPERATOR_AUDIENCE`, `OPERATOR_ALLOW_LIST`). */
  operators: VerifyOperator;
}

function webhookSecret(env: Env): string {
  const raw = env.STRIPE_WEBHOOK_SECRET?.trim();
  if (!raw) throw new ConfigError('STRIPE_WEBHOOK_SECRET', 'is required');
  // An API key pasted here would verify nothing: say so at start, not at the first webhook.
  if (!raw.startsWith('whsec_')) {
    throw new ConfigError('STRIPE_WEBHOOK_SECRET', 'must be a webhook signing secret (whsec_…)');
  }
  return raw;
}

export function loadPaymentsConfig(env: Env = process.env): PaymentsConfig {
  return {
    eventing: loadConfig(env),
    stripe: {
      webhookSecret: webhookSecret(env),
      livemode: envBoolean(env, 'STRIPE_LIVEMODE', false),
      toleranceSeconds: envInteger(env, 'STRIPE_WEBHOOK_TOLERANCE_SECONDS', 300, 1, 900),
    },
    currencies: envCurrencies(env, 'BILLING_CURRENCIES', ['USD']),
    webhookDeadlineMs: envInteger(env, 'STRIPE_WEBHOOK_DEADLINE_SECONDS', 10, 1, 60) * 1000,
    webhookBodyLimitBytes: envInteger(
      env,
      'STRIPE_WEBHOOK_BODY_LIMIT_BYTES',
      1024 * 1024,
      1024,
      16 * 1024 * 1024,
    ),
    operators: operatorVerifierFromEnv(env),
  };
}
