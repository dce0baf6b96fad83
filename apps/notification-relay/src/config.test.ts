import { ConfigError } from '@gpuaas/eventing';
import { secretEnvNames, unreadSecrets } from '@gpuaas/topology/services';
import { describe, expect, it } from 'vitest';
import { loadRelayConfig } from './config';

const base = { SERVICE_NAME: 'notification-relay', GCP_PROJECT_ID: 'p', PUSH_AUTH: 'off' };

const refused = (env: Record<string, string>, variable: string) => {
  try {
    loadRelayConfig({ ...base, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    return;
  }
  throw new Error(`${variable} was accepted`);
};

describe('loadRelayConfig', () => {
  it('defaults to the specification schedule, in-app links relative, ops alerts unsent', () => {
    const config = loadRelayConfig(base);
    expect(config.retry.schedule).toEqual([
      0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    expect(config.attemptTimeoutMs).toBe(15_000);
    expect(config.claimMs).toBe(45_000);
    expect(config.disableAfterMs).toBe(5 * 86_400_000);
    expect(config.deliverOnReceipt).toBe(true);
    expect(config.opsWebhookUrl).toBeUndefined();
    expect(config.allowInsecureWebhooks).toBe(false);
  });

  it('reads every secret the services table gives the relay from Secret Manager', () => {
    expect(secretEnvNames('notification-relay')).toEqual(['OPS_ALERT_WEBHOOK_URL']);
    expect(unreadSecrets('notification-relay', loadRelayConfig, base)).toEqual([]);
  });

  it('reads compressed schedules and durations', () => {
    const config = loadRelayConfig({
      ...base,
      WEBHOOK_RETRY_SCHEDULE: '0,50ms,100ms',
      WEBHOOK_RETRY_JITTER: '0',
      WEBHOOK_ATTEMPT_TIMEOUT: '500ms',
      WEBHOOK_DISABLE_AFTER: '2s',
      OPS_ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/ops',
    });
    expect(config.retry).toEqual({
      schedule: [0, 50, 100],
      jitter: 0,
      retryAfterMaxMs: 21_600_000,
    });
    expect(config.claimMs).toBe(30_500);
    expect(config.disableAfterMs).toBe(2000);
    expect(config.opsWebhookUrl).toBe('http://127.0.0.1:9/ops');
  });

  it('names the variable at fault', () => {
    refused({ WEBHOOK_RETRY_SCHEDULE: '0,5 minutes' }, 'WEBHOOK_RETRY_SCHEDULE');
    refused({ WEBHOOK_RETRY_SCHEDULE: ',' }, 'WEBHOOK_RETRY_SCHEDULE');
    refused({ WEBHOOK_RETRY_JITTER: '1.5' }, 'WEBHOOK_RETRY_JITTER');
    refused({ WEBHOOK_ATTEMPT_TIMEOUT: '10ms' }, 'WEBHOOK_ATTEMPT_TIMEOUT');
    refused({ WEBHOOK_ATTEMPT_TIMEOUT: '10s', DELIVERY_CLAIM: '5s' }, 'DELIVERY_CLAIM');
    refused({ OPS_ALERT_WEBHOOK_URL: 'ftp://x' }, 'OPS_ALERT_WEBHOOK_URL');
    refused({ DELIVER_ON_RECEIPT: 'yes' }, 'DELIVER_ON_RECEIPT');
    refused({ DELIVERY_BATCH_SIZE: '0' }, 'DELIVERY_BATCH_SIZE');
  });

  it('refuses insecure webhooks on Cloud Run', () => {
    refused(
      {
        K_SERVICE: 'notification-relay',
        PUSH_AUTH: 'oidc',
        PUSH_AUDIENCE: 'a',
        PUSH_SERVICE_ACCOUNT: 's',
        WEBHOOK_ALLOW_INSECURE: 'true',
      },
      'WEBHOOK_ALLOW_INSECURE',
    );
  });
});
