import {
  ConfigError,
  type EventingConfig,
  envBoolean,
  envInteger,
  envUrl,
  loadConfig,
} from '@gpuaas/eventing';
import { DurationError, parseDuration, parseDurationList } from './domain/durations';
import { type RetryPolicy, STANDARD_SCHEDULE_MS } from './domain/retry-schedule';

type Env = Record<string, string | undefined>;

/** The relay's settings: the runtime's, then how notifications are delivered. */
export interface RelayConfig {
  eventing: EventingConfig;
  /** When customer webhook attempts run (and ops alerts). */
  retry: RetryPolicy;
  /** One attempt's whole time: connect, send, answer. */
  attemptTimeoutMs: number;
  /** How long a claimed delivery is left to its claimer before another tick takes it over. */
  claimMs: number;
  /** An endpoint failing every attempt for this long is disabled. */
  disableAfterMs: number;
  /** How long a rotated-out secret still signs. */
  secretGraceMs: number;
  /** Local only: http:// endpoints and private addresses (the tests' receivers). */
  allowInsecureWebhooks: boolean;
  /** Most deliveries one tick attempts, and most per user. */
  batchSize: number;
  perUserPerTick: number;
  /** Try the first attempt right after the push committed, besides the tick. */
  deliverOnReceipt: boolean;
  /** Slack-compatible incoming webhook for ops alerts; without it alerts are stored, not sent. */
  opsWebhookUrl: string | undefined;
  /** The user console that notification links point to; relative links without it. */
  consoleUrl: string | undefined;
  /** The replay app's page; ops alerts link to it where a replay may be the fix. */
  replayConsoleUrl: string | undefined;
  notificationRetentionDays: number;
}

function duration(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  let ms: number;
  try {
    ms = parseDuration(raw);
  } catch (error) {
    throw new ConfigError(name, error instanceof DurationError ? error.message : String(error));
  }
  if (ms < min) throw new ConfigError(name, `must be at least ${min}ms, got ${ms}ms`);
  return ms;
}

function ratio(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || value > 1) {
    throw new ConfigError(name, `must be a number from 0 to 1, got "${raw}"`);
  }
  return value;
}

function schedule(env: Env): number[] {
  const raw = env.WEBHOOK_RETRY_SCHEDULE?.trim();
  if (!raw) return [...STANDARD_SCHEDULE_MS];
  let list: number[];
  try {
    list = parseDurationList(raw);
  } catch (error) {
    throw new ConfigError(
      'WEBHOOK_RETRY_SCHEDULE',
      error instanceof DurationError ? error.message : String(error),
    );
  }
  if (list.length === 0 || list.length > 20) {
    throw new ConfigError('WEBHOOK_RETRY_SCHEDULE', 'must list 1 to 20 waits, e.g. "0,5s,5m,30m"');
  }
  return list;
}

export function loadRelayConfig(env: Env = process.env): RelayConfig {
  const eventing = loadConfig(env);
  const attemptTimeoutMs = duration(env, 'WEBHOOK_ATTEMPT_TIMEOUT', 15_000, 100);
  const claimMs = duration(env, 'DELIVERY_CLAIM', attemptTimeoutMs + 30_000, 1);
  // A claim that ends before its attempt could would let a second tick send it again.
  if (claimMs <= attemptTimeoutMs) {
    throw new ConfigError(
      'DELIVERY_CLAIM',
      `must be above WEBHOOK_ATTEMPT_TIMEOUT (${attemptTimeoutMs}ms), got ${claimMs}ms`,
    );
  }
  const allowInsecureWebhooks = envBoolean(env, 'WEBHOOK_ALLOW_INSECURE', false);
  if (allowInsecureWebhooks && eventing.onCloudRun) {
    throw new ConfigError(
      'WEBHOOK_ALLOW_INSECURE',
      'true is for local runs only, refused on Cloud Run',
    );
  }
  const batchSize = envInteger(env, 'DELIVERY_BATCH_SIZE', 100, 1, 500);
  return {
    eventing,
    retry: {
      schedule: schedule(env),
      jitter: ratio(env, 'WEBHOOK_RETRY_JITTER', 0.1),
      retryAfterMaxMs: duration(env, 'WEBHOOK_RETRY_AFTER_MAX', 6 * 3_600_000),
    },
    attemptTimeoutMs,
    claimMs,
    disableAfterMs: duration(env, 'WEBHOOK_DISABLE_AFTER', 5 * 86_400_000),
    secretGraceMs: duration(env, 'WEBHOOK_SECRET_GRACE', 86_400_000),
    allowInsecureWebhooks,
    batchSize,
    perUserPerTick: envInteger(env, 'DELIVERY_PER_USER', 10, 1, batchSize),
    deliverOnReceipt: envBoolean(env, 'DELIVER_ON_RECEIPT', true),
    opsWebhookUrl: envUrl(env, 'OPS_ALERT_WEBHOOK_URL'),
    consoleUrl: envUrl(env, 'CONSOLE_URL'),
    replayConsoleUrl: envUrl(env, 'REPLAY_CONSOLE_URL'),
    notificationRetentionDays: envInteger(env, 'NOTIFICATION_RETENTION_DAYS', 180, 1, 3650),
  };
}
