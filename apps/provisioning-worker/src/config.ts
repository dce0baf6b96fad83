import { ConfigError, type EventingConfig, envInteger, loadConfig } from '@gpuaas/eventing';
import type { ReleaseSchedule } from './domain/release-schedule';
import type { Capacity, SimulatedProviderOptions } from './provider/simulated-provider';

type Env = Record<string, string | undefined>;

/** GPUs the simulated provider has per GPU type and region, unless SIM_CAPACITY says otherwise. */
export const DEFAULT_CAPACITY: Capacity = {
  h100: { 'us-central1': 64, 'europe-west4': 32 },
  a100: { 'us-central1': 64, 'europe-west4': 64 },
  l4: { 'us-central1': 128, 'europe-west4': 128 },
  t4: { 'us-central1': 256, 'europe-west4': 128 },
};

export interface WorkerConfig {
  eventing: EventingConfig;
  provider: 'simulated';
  simulated: Omit<SimulatedProviderOptions, 'now'>;
  provisioning: {
    /** Create calls per delivery when the provider answers a retryable error. */
    createAttempts: number;
    /** How often the instance is polled for its health check. */
    pollIntervalMs: number;
  };
  release: ReleaseSchedule;
  reconcile: {
    /** An unowned instance younger than this may still be recorded by its delivery: left alone. */
    orphanGraceSeconds: number;
  };
  /** Time limit of one provider call made by a task. */
  providerCallTimeoutMs: number;
  /** Allocations a task works on at once. */
  taskConcurrency: number;
  /** The environment, for operator auth (`OPERATOR_AUTH`, …). */
  env: Env;
}

function rate(env: Env, name: string): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return 0;
  const value = Number(raw);
  if (!/^\d*\.?\d+$/.test(raw) || value > 1) {
    throw new ConfigError(name, `must be a number from 0 to 1, got "${raw}"`);
  }
  return value;
}

function regions(env: Env, name: string): string[] {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return [];
  return raw.split(',').map((entry) => {
    const region = entry.trim();
    if (!/^[a-z0-9][a-z0-9-]*$/.test(region)) {
      throw new ConfigError(name, `expected comma-separated regions, got "${entry}"`);
    }
    return region;
  });
}

function range(env: Env, name: string, fallback: [number, number]): [number, number] {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const match = /^(\d+)(?:-(\d+))?$/.exec(raw);
  const min = Number(match?.[1]);
  const max = Number(match?.[2] ?? match?.[1]);
  if (!match || min > max || max > 3_600_000) {
    throw new ConfigError(name, `must be milliseconds "<min>-<max>" or "<ms>", got "${raw}"`);
  }
  return [min, max];
}

/** `h100@us-central1=64,a100@europe-west4=32`. */
function capacity(env: Env, name: string): Capacity {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return DEFAULT_CAPACITY;
  const parsed: Record<string, Record<string, number>> = {};
  for (const entry of raw.split(',')) {
    const match = /^\s*([a-z0-9][a-z0-9-]*)@([a-z0-9][a-z0-9-]*)=(\d+)\s*$/.exec(entry);
    if (!match) {
      throw new ConfigError(name, `entries are <gpu_type>@<region>=<gpus>, got "${entry}"`);
    }
    const [, gpuType = '', region = '', gpus = '0'] = match;
    parsed[gpuType] = { ...parsed[gpuType], [region]: Number(gpus) };
  }
  return parsed;
}

/** The worker's settings: the runtime's plus the provider, release and reconcile ones. */
export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const provider = env.PROVIDER?.trim() || 'simulated';
  if (provider !== 'simulated') {
    throw new ConfigError('PROVIDER', `only "simulated" is built in, got "${provider}"`);
  }
  const retrySeconds = envInteger(env, 'RELEASE_RETRY_SECONDS', 30, 1, 3600);
  const maxRetrySeconds = envInteger(env, 'RELEASE_RETRY_MAX_SECONDS', retrySeconds, 1, 3600);
  if (maxRetrySeconds < retrySeconds) {
    throw new ConfigError(
      'RELEASE_RETRY_MAX_SECONDS',
      `must be at least RELEASE_RETRY_SECONDS (${retrySeconds}), got ${maxRetrySeconds}`,
    );
  }
  const quota = env.SIM_USER_QUOTA_GPUS?.trim();
  return {
    eventing: loadConfig(env),
    provider,
    simulated: {
      seed: env.SIM_SEED?.trim() || 'gpuaas',
      capacity: capacity(env, 'SIM_CAPACITY'),
      defaultRegion: env.DEFAULT_REGION?.trim() || 'us-central1',
      bootLatencyMs: range(env, 'SIM_BOOT_LATENCY_MS', [300, 1500]),
      callLatencyMs: range(env, 'SIM_CALL_LATENCY_MS', [5, 40]),
      createFailureRate: rate(env, 'SIM_CREATE_FAILURE_RATE'),
      bootFailureRate: rate(env, 'SIM_BOOT_FAILURE_RATE'),
      releaseFailureRate: rate(env, 'SIM_RELEASE_FAILURE_RATE'),
      releaseFailureRegions: regions(env, 'SIM_RELEASE_FAILURE_REGIONS'),
      ...(quota ? { userQuotaGpus: envInteger(env, 'SIM_USER_QUOTA_GPUS', 0, 1, 1_000_000) } : {}),
    },
    provisioning: {
      createAttempts: envInteger(env, 'CREATE_ATTEMPTS', 3, 1, 10),
      pollIntervalMs: envInteger(env, 'PROVISION_POLL_MS', 250, 10, 60_000),
    },
    release: {
      retrySeconds,
      maxRetrySeconds,
      deadlineSeconds: envInteger(env, 'RELEASE_DEADLINE_SECONDS', 900, 1, 86_400),
    },
    reconcile: { orphanGraceSeconds: envInteger(env, 'ORPHAN_GRACE_SECONDS', 120, 0, 86_400) },
    providerCallTimeoutMs: envInteger(env, 'PROVIDER_CALL_TIMEOUT_MS', 20_000, 100, 300_000),
    taskConcurrency: envInteger(env, 'TASK_CONCURRENCY', 8, 1, 64),
    env,
  };
}
