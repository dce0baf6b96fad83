import { ConfigError } from './errors';

/** Pub/Sub messages reach 10 MB; base64 in a JSON push body makes that about 13.4 MB. */
export const DEFAULT_PUSH_BODY_LIMIT_BYTES = 14 * 1024 * 1024;

export type PushAuthSetting =
  | { mode: 'oidc'; audience: string; serviceAccountEmail: string }
  | { mode: 'off' };

export interface EventingConfig {
  service: string;
  port: number;
  projectId: string;
  pushAuth: PushAuthSetting;
  /** Lease of an in-progress delivery; must stay below the subscription ack deadline. */
  leaseSeconds: number;
  ackDeadlineSeconds: number;
  idempotencyRetentionDays: number;
  shutdownGraceSeconds: number;
  bodyLimitBytes: number;
  logLevel: string;
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, 'is required');
  return value;
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

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

/** Reads and validates the runtime settings every Cloud Run app shares. */
export function loadConfig(env: Env = process.env): EventingConfig {
  const service = env.K_SERVICE?.trim() || required(env, 'SERVICE_NAME');
  const projectId = env.GOOGLE_CLOUD_PROJECT?.trim() || required(env, 'GCP_PROJECT_ID');
  // Off only by an explicit setting: the emulator sends no token, production always does.
  const authMode = oneOf(env, 'PUSH_AUTH', ['oidc', 'off'] as const, 'oidc');
  const pushAuth: PushAuthSetting =
    authMode === 'off'
      ? { mode: 'off' }
      : {
          mode: 'oidc',
          audience: required(env, 'PUSH_AUDIENCE'),
          serviceAccountEmail: required(env, 'PUSH_SERVICE_ACCOUNT'),
        };
  const ackDeadlineSeconds = integer(env, 'ACK_DEADLINE_SECONDS', 60, 10, 600);
  const leaseSeconds = integer(env, 'LEASE_SECONDS', Math.floor(ackDeadlineSeconds / 2), 1, 600);
  if (leaseSeconds >= ackDeadlineSeconds) {
    throw new ConfigError(
      'LEASE_SECONDS',
      `must be below ACK_DEADLINE_SECONDS (${ackDeadlineSeconds}), got ${leaseSeconds}`,
    );
  }
  return {
    service,
    // 0 binds any free port (tests); Cloud Run always sets PORT.
    port: integer(env, 'PORT', 8080, 0, 65535),
    projectId,
    pushAuth,
    leaseSeconds,
    ackDeadlineSeconds,
    idempotencyRetentionDays: integer(env, 'IDEMPOTENCY_RETENTION_DAYS', 14, 1, 365),
    // Cloud Run kills 10 s after SIGTERM: leave room to flush after the grace period.
    shutdownGraceSeconds: integer(env, 'SHUTDOWN_GRACE_SECONDS', 8, 0, 3600),
    bodyLimitBytes: integer(
      env,
      'PUSH_BODY_LIMIT_BYTES',
      DEFAULT_PUSH_BODY_LIMIT_BYTES,
      1024,
      64 * 1024 * 1024,
    ),
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const,
      'info',
    ),
  };
}
