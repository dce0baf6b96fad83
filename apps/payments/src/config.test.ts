import { ConfigError } from '@gpuaas/eventing';
import { secretEnvNames, unreadSecrets } from '@gpuaas/topology/services';
import { describe, expect, it } from 'vitest';
import { loadPaymentsConfig } from './config';

const base = {
  SERVICE_NAME: 'payments',
  GCP_PROJECT_ID: 'p',
  PUSH_AUTH: 'off',
  OPERATOR_AUTH: 'off',
  STRIPE_WEBHOOK_SECRET: 'whsec_abc',
};

describe('loadPaymentsConfig', () => {
  it('defaults to test mode, a 300 s tolerance and a 10 s deadline', () => {
    const config = loadPaymentsConfig(base);
    expect(config.stripe).toEqual({
      webhookSecret: 'whsec_abc',
      livemode: false,
      toleranceSeconds: 300,
    });
    expect(config.webhookDeadlineMs).toBe(10_000);
  });

  it('reads every secret the services table gives payments from Secret Manager', () => {
    expect(secretEnvNames('payments')).toEqual(['STRIPE_WEBHOOK_SECRET']);
    expect(unreadSecrets('payments', loadPaymentsConfig, base)).toEqual([]);
  });

  it('reads live mode', () => {
    expect(loadPaymentsConfig({ ...base, STRIPE_LIVEMODE: 'true' }).stripe.livemode).toBe(true);
  });

  it.each([
    ['STRIPE_WEBHOOK_SECRET', { STRIPE_WEBHOOK_SECRET: '' }],
    ['STRIPE_WEBHOOK_SECRET', { STRIPE_WEBHOOK_SECRET: 'sk_test_123' }],
    ['STRIPE_LIVEMODE', { STRIPE_LIVEMODE: 'yes' }],
    ['STRIPE_WEBHOOK_TOLERANCE_SECONDS', { STRIPE_WEBHOOK_TOLERANCE_SECONDS: '0' }],
    ['STRIPE_WEBHOOK_DEADLINE_SECONDS', { STRIPE_WEBHOOK_DEADLINE_SECONDS: 'soon' }],
  ])('names %s when it is wrong', (name, env) => {
    let error: unknown;
    try {
      loadPaymentsConfig({ ...base, ...env });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toContain(name);
  });
});
