import { ConfigError } from '@gpuaas/eventing';
import { describe, expect, it } from 'vitest';
import { balancePolicy, loadBillingConfig } from './config';

const base = {
  SERVICE_NAME: 'billing-worker',
  GCP_PROJECT_ID: 'p',
  PUSH_AUTH: 'off',
  OPERATOR_AUTH: 'off',
};

describe('billing config', () => {
  it('has sane defaults', () => {
    const { billing } = loadBillingConfig(base);
    expect(billing).toEqual({
      currencies: ['USD'],
      billingIncrementSeconds: 60,
      thresholdMicros: { USD: 5_000_000 },
      leadSeconds: 900,
      rearmRatioBp: 11_000,
      evaluateConcurrency: 8,
      heldSweepAfterSeconds: 300,
      ledgerCollectionPrefix: 'ledger_',
    });
    expect(balancePolicy(billing, 'USD')).toEqual({
      threshold_micros: 5_000_000,
      lead_seconds: 900,
      rearm_ratio_bp: 11_000,
    });
  });

  it('reads currencies, per-currency thresholds, lead, ratio and increment', () => {
    const { billing } = loadBillingConfig({
      ...base,
      BILLING_CURRENCIES: 'USD, EUR,JPY',
      LOW_BALANCE_THRESHOLD_MICROS: '2000000',
      LOW_BALANCE_THRESHOLDS: 'JPY=500000000',
      AUTO_RELEASE_LEAD_SECONDS: '600',
      BALANCE_REARM_RATIO: '1.25',
      BILLING_INCREMENT_SECONDS: '1',
    });
    expect(billing.currencies).toEqual(['USD', 'EUR', 'JPY']);
    expect(billing.thresholdMicros).toEqual({ USD: 2_000_000, EUR: 2_000_000, JPY: 500_000_000 });
    expect(billing.leadSeconds).toBe(600);
    expect(billing.rearmRatioBp).toBe(12_500);
    expect(billing.billingIncrementSeconds).toBe(1);
  });

  it.each([
    ['BILLING_CURRENCIES', 'usd'],
    ['BILLING_INCREMENT_SECONDS', '30'],
    ['LOW_BALANCE_THRESHOLD_MICROS', '-5'],
    ['LOW_BALANCE_THRESHOLDS', 'EUR=1'],
    ['LOW_BALANCE_THRESHOLDS', 'USD:1'],
    ['AUTO_RELEASE_LEAD_SECONDS', '15m'],
    ['BALANCE_REARM_RATIO', '0.9'],
    ['BALANCE_REARM_RATIO', '1.12345'],
    ['EVALUATE_CONCURRENCY', '0'],
    ['LEDGER_COLLECTION_PREFIX', 'Ledger-'],
  ])('%s=%s is refused, naming the variable', (name, value) => {
    let error: unknown;
    try {
      loadBillingConfig({ ...base, [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(name);
  });

  it('needs operator settings unless operator auth is off', () => {
    expect(() => loadBillingConfig({ ...base, OPERATOR_AUTH: 'google' })).toThrow(
      /OPERATOR_AUDIENCE/,
    );
  });
});
