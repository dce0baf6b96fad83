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
      idempotencyRetentionDays: 14,
    });
  });

  it('prefers the Cloud Run variables', () => {
    const config = loadConfig({ ...base, K_SERVICE: 'payments', GOOGLE_CLOUD_PROJECT: 'prod' });
    expect(config).toMatchObject({ service: 'payments', projectId: 'prod' });
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
