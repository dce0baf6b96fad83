import { ConfigError, type EventingConfig, loadConfig } from '@gpuaas/eventing';

type Env = Record<string, string | undefined>;

/** The replay app's own settings, beside the runtime's. */
export interface ReplaySettings {
  /** Messages per second a replay republishes when the request names no rate. */
  defaultRatePerSecond: number;
  /** Highest rate a replay may ask for. */
  maxRatePerSecond: number;
  /** An entry replayed this many times is left parked (the `replay_count` guard). */
  maxReplayCount: number;
  /** Most entries one replay may select. */
  maxEntriesPerReplay: number;
  /** How long one drive of a replay (a task tick, a request) works before it hands over. */
  driveBudgetSeconds: number;
  /** A runner's lease on a replay; a runner that died is taken over after it. */
  runnerLeaseSeconds: number;
}

export interface ReplayConfig {
  eventing: EventingConfig;
  replay: ReplaySettings;
  /** Environment the operator verifier is built from (`OPERATOR_AUTH`, ...). */
  env: Env;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/** Reads and validates the settings; a bad variable is a ConfigError naming it. */
export function loadReplayConfig(env: Env = process.env): ReplayConfig {
  const eventing = loadConfig(env);
  const maxRatePerSecond = integer(env, 'REPLAY_MAX_RATE_PER_SECOND', 5000, 1, 100_000);
  const defaultRatePerSecond = integer(env, 'REPLAY_DEFAULT_RATE_PER_SECOND', 50, 1, 100_000);
  if (defaultRatePerSecond > maxRatePerSecond) {
    throw new ConfigError(
      'REPLAY_DEFAULT_RATE_PER_SECOND',
      `must not exceed REPLAY_MAX_RATE_PER_SECOND (${maxRatePerSecond}), got ${defaultRatePerSecond}`,
    );
  }
  const runnerLeaseSeconds = integer(env, 'REPLAY_RUNNER_LEASE_SECONDS', 30, 2, 600);
  const driveBudgetSeconds = integer(env, 'REPLAY_DRIVE_BUDGET_SECONDS', 50, 1, 3600);
  return {
    eventing,
    env,
    replay: {
      defaultRatePerSecond,
      maxRatePerSecond,
      maxReplayCount: integer(env, 'REPLAY_MAX_REPLAY_COUNT', 3, 1, 100),
      maxEntriesPerReplay: integer(env, 'REPLAY_MAX_ENTRIES', 10_000, 1, 100_000),
      driveBudgetSeconds,
      runnerLeaseSeconds,
    },
  };
}
