import { SERVICES, type ServiceDefinition, type ServiceName } from '@gpuaas/topology/services';

/**
 * Values for the secrets an app reads from Secret Manager in production: fixed and public, so
 * `pnpm demo` and a developer's curl can sign what the apps verify.
 */
export const LOCAL_SECRETS: Readonly<Record<string, string>> = {
  STRIPE_WEBHOOK_SECRET: 'whsec_gpuaas_local_stripe_webhook_secret',
  // No Slack locally: ops alerts are stored, not sent.
  OPS_ALERT_WEBHOOK_URL: '',
};

/**
 * Local settings beside production's: the simulated provider gives each user a quota of 16 GPUs,
 * as a cloud project's GPU quota would (`pnpm demo`'s third allocation runs into it).
 */
export const LOCAL_SETTINGS: Partial<Record<ServiceName, Readonly<Record<string, string>>>> = {
  'provisioning-worker': { SIM_USER_QUOTA_GPUS: '16' },
};

export interface LocalEnvOptions {
  project: string;
  port: number;
  pubsubHost: string;
  firestoreHost: string;
  /** Extra variables for every app (e.g. LOG_LEVEL). */
  extra?: Record<string, string>;
}

/** The environment an app runs with under `pnpm dev`: what Cloud Run and Terraform set in production. */
export function localEnv(service: ServiceName, options: LocalEnvOptions): NodeJS.ProcessEnv {
  const definition: ServiceDefinition = SERVICES[service];
  const secrets = Object.fromEntries(
    Object.keys(definition.secretEnv ?? {}).map((name) => [
      name,
      LOCAL_SECRETS[name] ?? `local-${name.toLowerCase()}`,
    ]),
  );
  const { K_SERVICE: _, ...inherited } = process.env;
  return {
    ...inherited,
    ...definition.env,
    ...LOCAL_SETTINGS[service],
    ...secrets,
    SERVICE_NAME: service,
    GCP_PROJECT_ID: options.project,
    GOOGLE_CLOUD_PROJECT: options.project,
    PORT: String(options.port),
    PUBSUB_EMULATOR_HOST: options.pubsubHost,
    FIRESTORE_EMULATOR_HOST: options.firestoreHost,
    // Local only: the emulator sends no push tokens, and there is no IAP in front of the console.
    PUSH_AUTH: 'off',
    OPERATOR_AUTH: 'off',
    TRACING: process.env.TRACING ?? 'off',
    ...options.extra,
  };
}
