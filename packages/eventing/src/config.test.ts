import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';
import { ConfigError } from './errors';

const base = { SERVICE_NAME: 'billing-worker', GCP_PROJECT_ID: 'p', PUSH_AUTH: 'off' };

describe('loadConfig', () => {
  it('reads defaults', () => {
    expect(loadConfig(base)).toMatchObject({
      service: 'billing-worker',
      port: 8080,
      pushAuth: { mode: 'off' },
      ackDeadlineSeconds: 60,
      leaseSeconds: 30,
      idempotencyRetentionDays: 45,
      deadLetterRetentionDays: 31,
      replayWindowDays: 7,
      deliveryBudgetSeconds: 54,
      outboxClaimSeconds: 30,
      onCloudRun: false,
      tracing: 'off',
    });
  });

  it('prefers the Cloud Run variables', () => {
    const config = loadConfig({
      ...base,
      PUSH_AUTH: 'oidc',
      PUSH_AUDIENCE: 'https://payments',
      PUSH_SERVICE_ACCOUNT: 'push@p.iam.gserviceaccount.com',
      K_SERVICE: 'payments',
      GOOGLE_CLOUD_PROJECT: 'prod',
    });
    expect(config).toMatchObject({ service: 'payments', projectId: 'prod', onCloudRun: true });
  });

  it('refuses PUSH_AUTH=off on Cloud Run', () => {
    expect(() => loadConfig({ ...base, K_SERVICE: 'payments' })).toThrow(
      'PUSH_AUTH: off is for the local emulator only, refused on Cloud Run',
    );
  });

  it('reads the push certificates URL from the environment', () => {
    const config = loadConfig({
      ...base,
      PUSH_AUTH: 'oidc',
      PUSH_AUDIENCE: 'https://x',
      PUSH_SERVICE_ACCOUNT: 'sa@x',
      PUSH_CERTS_URL: 'http://127.0.0.1:9999/certs',
    });
    expect(config.pushAuth).toMatchObject({ certsUrl: 'http://127.0.0.1:9999/certs' });
    expect(() =>
      loadConfig({
        ...base,
        PUSH_AUTH: 'oidc',
        PUSH_AUDIENCE: 'a',
        PUSH_SERVICE_ACCOUNT: 'b',
        PUSH_CERTS_URL: 'not a url',
      }),
    ).toThrow('PUSH_CERTS_URL');
  });

  it('keeps dedupe records longer than the archive plus the replay window', () => {
    expect(() => loadConfig({ ...base, IDEMPOTENCY_RETENTION_DAYS: '14' })).toThrow(
      'IDEMPOTENCY_RETENTION_DAYS: must be above DEAD_LETTER_RETENTION_DAYS + REPLAY_WINDOW_DAYS (31 + 7), got 14',
    );
    expect(() => loadConfig({ ...base, IDEMPOTENCY_RETENTION_DAYS: '38' })).toThrow(
      'IDEMPOTENCY_RETENTION_DAYS',
    );
    expect(
      loadConfig({
        ...base,
        IDEMPOTENCY_RETENTION_DAYS: '20',
        DEAD_LETTER_RETENTION_DAYS: '10',
        REPLAY_WINDOW_DAYS: '3',
      }).idempotencyRetentionDays,
    ).toBe(20);
  });

  it('answers within the ack deadline', () => {
    expect(loadConfig({ ...base, ACK_DEADLINE_SECONDS: '10' }).deliveryBudgetSeconds).toBe(8);
    expect(() => loadConfig({ ...base, DELIVERY_BUDGET_SECONDS: '60' })).toThrow(
      'DELIVERY_BUDGET_SECONDS: must be below ACK_DEADLINE_SECONDS (60), got 60',
    );
  });

  it('requires audience and service account unless push auth is explicitly off', () => {
    const { PUSH_AUTH: _, ...withoutAuth } = base;
    expect(() => loadConfig(withoutAuth)).toThrow(new ConfigError('PUSH_AUDIENCE', 'is required'));
    const config = loadConfig({
      ...withoutAuth,
      PUSH_AUDIENCE: 'https://x',
      PUSH_SERVICE_ACCOUNT: 'sa@x',
    });
    expect(config.pushAuth).toEqual({
      mode: 'oidc',
      audience: 'https://x',
      serviceAccountEmail: 'sa@x',
      certsUrl: undefined,
    });
  });

  it.each([
    ['PORT', 'eighty', 'PORT: must be an integer, got "eighty"'],
    ['PUSH_AUTH', 'maybe', 'PUSH_AUTH: must be one of oidc, off, got "maybe"'],
    ['LEASE_SECONDS', '60', 'LEASE_SECONDS: must be below ACK_DEADLINE_SECONDS (60), got 60'],
    ['ACK_DEADLINE_SECONDS', '5', 'ACK_DEADLINE_SECONDS: must be between 10 and 600, got 5'],
  ])('names the bad variable %s', (name, value, message) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(message);
  });

  it('names a missing project', () => {
    expect(() => loadConfig({ SERVICE_NAME: 's', PUSH_AUTH: 'off' })).toThrow(
      'GCP_PROJECT_ID: is required',
    );
  });
});
