import { type Env, envInteger, envOneOf, envRequired, envUrl } from './env-readers';
import { ConfigError } from './errors';

/** Pub/Sub messages reach 10 MB; base64 in a JSON push body makes that about 13.4 MB. */
export const DEFAULT_PUSH_BODY_LIMIT_BYTES = 14 * 1024 * 1024;

/** How long dead letters are archived, and how long after that an operator may still replay. */
export const DEFAULT_DEAD_LETTER_RETENTION_DAYS = 31;
export const DEFAULT_REPLAY_WINDOW_DAYS = 7;
/** Dedupe records must outlive any replay, or a replay applies an applied event again. */
export const DEFAULT_IDEMPOTENCY_RETENTION_DAYS = 45;

export type PushAuthSetting =
  | {
      mode: 'oidc';
      audience: string;
      serviceAccountEmail: string;
      /** Google's signing certificates (PEM); overridable for tests and private mirrors. */
      certsUrl: string | undefined;
    }
  | { mode: 'off' };

export interface EventingConfig {
  service: string;
  port: number;
  projectId: string;
  pushAuth: PushAuthSetting;
  /** Lease of an in-progress delivery; must stay below the subscription ack deadline. */
  leaseSeconds: number;
  ackDeadlineSeconds: number;
  /** A delivery answers within this (503 if its Firestore work is not done): below the ack deadline. */
  deliveryBudgetSeconds: number;
  idempotencyRetentionDays: number;
  deadLetterRetentionDays: number;
  replayWindowDays: number;
  /** An outbox entry's claim: how long other relays leave it alone (the sweep's minimum age). */
  outboxClaimSeconds: number;
  shutdownGraceSeconds: number;
  bodyLimitBytes: number;
  logLevel: string;
  /** Where spans go: Cloud Trace, the console, or nowhere (context still propagates). */
  tracing: 'cloud' | 'console' | 'off';
  /** True on Cloud Run (`K_SERVICE` set), where local-only settings are refused. */
  onCloudRun: boolean;
}

/** Reads and validates the runtime settings every Cloud Run app shares. */
export function loadConfig(env: Env = process.env): EventingConfig {
  const onCloudRun = Boolean(env.K_SERVICE?.trim());
  const service = env.K_SERVICE?.trim() || envRequired(env, 'SERVICE_NAME');
  const projectId = env.GOOGLE_CLOUD_PROJECT?.trim() || envRequired(env, 'GCP_PROJECT_ID');
  // Off only by an explicit setting: the emulator sends no token, production always does.
  const authMode = envOneOf(env, 'PUSH_AUTH', ['oidc', 'off'] as const, 'oidc');
  if (authMode === 'off' && onCloudRun) {
    throw new ConfigError('PUSH_AUTH', 'off is for the local emulator only, refused on Cloud Run');
  }
  const pushAuth: PushAuthSetting =
    authMode === 'off'
      ? { mode: 'off' }
      : {
          mode: 'oidc',
          audience: envRequired(env, 'PUSH_AUDIENCE'),
          serviceAccountEmail: envRequired(env, 'PUSH_SERVICE_ACCOUNT'),
          certsUrl: envUrl(env, 'PUSH_CERTS_URL'),
        };
  const ackDeadlineSeconds = envInteger(env, 'ACK_DEADLINE_SECONDS', 60, 10, 600);
  const leaseSeconds = envInteger(env, 'LEASE_SECONDS', Math.floor(ackDeadlineSeconds / 2), 1, 600);
  if (leaseSeconds >= ackDeadlineSeconds) {
    throw new ConfigError(
      'LEASE_SECONDS',
      `must be below ACK_DEADLINE_SECONDS (${ackDeadlineSeconds}), got ${leaseSeconds}`,
    );
  }
  // An answer after the ack deadline does not count: leave room for the reply itself.
  const margin = Math.max(2, Math.ceil(ackDeadlineSeconds / 10));
  const deliveryBudgetSeconds = envInteger(
    env,
    'DELIVERY_BUDGET_SECONDS',
    ackDeadlineSeconds - margin,
    1,
    600,
  );
  if (deliveryBudgetSeconds >= ackDeadlineSeconds) {
    throw new ConfigError(
      'DELIVERY_BUDGET_SECONDS',
      `must be below ACK_DEADLINE_SECONDS (${ackDeadlineSeconds}), got ${deliveryBudgetSeconds}`,
    );
  }
  const deadLetterRetentionDays = envInteger(
    env,
    'DEAD_LETTER_RETENTION_DAYS',
    DEFAULT_DEAD_LETTER_RETENTION_DAYS,
    1,
    365,
  );
  const replayWindowDays = envInteger(
    env,
    'REPLAY_WINDOW_DAYS',
    DEFAULT_REPLAY_WINDOW_DAYS,
    0,
    365,
  );
  const idempotencyRetentionDays = envInteger(
    env,
    'IDEMPOTENCY_RETENTION_DAYS',
    DEFAULT_IDEMPOTENCY_RETENTION_DAYS,
    1,
    730,
  );
  if (idempotencyRetentionDays <= deadLetterRetentionDays + replayWindowDays) {
    throw new ConfigError(
      'IDEMPOTENCY_RETENTION_DAYS',
      `must be above DEAD_LETTER_RETENTION_DAYS + REPLAY_WINDOW_DAYS (${deadLetterRetentionDays} + ${replayWindowDays}), got ${idempotencyRetentionDays}: a replay after the dedupe record expired would apply an applied event again`,
    );
  }
  return {
    service,
    // 0 binds any free port (tests); Cloud Run always sets PORT.
    port: envInteger(env, 'PORT', 8080, 0, 65535),
    projectId,
    pushAuth,
    leaseSeconds,
    ackDeadlineSeconds,
    deliveryBudgetSeconds,
    idempotencyRetentionDays,
    deadLetterRetentionDays,
    replayWindowDays,
    outboxClaimSeconds: envInteger(env, 'OUTBOX_CLAIM_SECONDS', 30, 1, 3600),
    // Cloud Run kills 10 s after SIGTERM: leave room to flush after the grace period.
    shutdownGraceSeconds: envInteger(env, 'SHUTDOWN_GRACE_SECONDS', 8, 0, 3600),
    bodyLimitBytes: envInteger(
      env,
      'PUSH_BODY_LIMIT_BYTES',
      DEFAULT_PUSH_BODY_LIMIT_BYTES,
      1024,
      64 * 1024 * 1024,
    ),
    logLevel: envOneOf(
      env,
      'LOG_LEVEL',
      ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const,
      'info',
    ),
    tracing: envOneOf(
      env,
      'TRACING',
      ['cloud', 'console', 'off'] as const,
      onCloudRun ? 'cloud' : 'off',
    ),
    onCloudRun,
  };
}

/**
 * The last moment a dead letter first archived at `firstArchivedAt` can be replayed safely: while
 * the consumers' dedupe record of its key may still exist, a replay of an event that was in fact
 * applied is recognised as a duplicate. Past it, a replay could apply it twice.
 */
export function safeReplayDeadline(
  firstArchivedAt: Date,
  config: Pick<EventingConfig, 'idempotencyRetentionDays'>,
): Date {
  return new Date(firstArchivedAt.getTime() + config.idempotencyRetentionDays * 86_400_000);
}
