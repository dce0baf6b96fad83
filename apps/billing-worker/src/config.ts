import {
  ConfigError,
  type EventingConfig,
  envCurrencies,
  envInteger,
  loadConfig,
} from '@gpuaas/eventing';
import { operatorVerifierFromEnv, type VerifyOperator } from '@gpuaas/http-api';
import { DEFAULT_COLLECTION_PREFIX } from '@gpuaas/ledger';
import type { BalancePolicy } from './domain/balance-state';

type Env = Record<string, string | undefined>;

/** How usage is rated and balances are watched; every value has a default. */
export interface BillingSettings {
  /** Currencies billed here (ISO 4217); a window in another currency is refused. */
  currencies: readonly string[];
  /** Increment of a window whose `provisioning.active` is 1.0 (1.1 carries its own). */
  billingIncrementSeconds: 1 | 60;
  /** Low-balance threshold per currency, in micros. */
  thresholdMicros: Readonly<Record<string, number>>;
  /** `auto_release_pending` when projected depletion is this close. */
  leadSeconds: number;
  /** Re-arm above threshold × ratio (1.1 = 11,000 basis points). */
  rearmRatioBp: number;
  /** Users evaluated at once by `evaluate-balances`. */
  evaluateConcurrency: number;
  /** Held usage older than this is rated by `evaluate-balances` if its window opened meanwhile. */
  heldSweepAfterSeconds: number;
  /** Collections of the ledger shared with payments; every writer must agree. */
  ledgerCollectionPrefix: string;
}

export interface BillingConfig {
  eventing: EventingConfig;
  billing: BillingSettings;
  /** Who may call the operator routes (Google identities, `OPERATOR_AUTH`). */
  operators: VerifyOperator;
}

export interface BillingConfigOptions {
  /** Google's signing certificates, or a local stand-in in tests. */
  operatorCertsUrl?: string;
}

const DEFAULT_THRESHOLD_MICROS = 5_000_000;

function thresholds(env: Env, billed: readonly string[]): Record<string, number> {
  const fallback = envInteger(
    env,
    'LOW_BALANCE_THRESHOLD_MICROS',
    DEFAULT_THRESHOLD_MICROS,
    0,
    Number.MAX_SAFE_INTEGER,
  );
  const result = Object.fromEntries(billed.map((c) => [c, fallback]));
  const raw = env.LOW_BALANCE_THRESHOLDS?.trim();
  if (!raw) return result;
  for (const entry of raw.split(',')) {
    const match = /^\s*([A-Z]{3})=(\d+)\s*$/.exec(entry);
    if (!match) {
      throw new ConfigError('LOW_BALANCE_THRESHOLDS', `expected CUR=micros, got "${entry.trim()}"`);
    }
    const [, currency = '', micros = ''] = match;
    if (!billed.includes(currency)) {
      throw new ConfigError('LOW_BALANCE_THRESHOLDS', `${currency} is not in BILLING_CURRENCIES`);
    }
    const value = Number(micros);
    if (!Number.isSafeInteger(value)) {
      throw new ConfigError('LOW_BALANCE_THRESHOLDS', `${currency}: ${micros} is out of range`);
    }
    result[currency] = value;
  }
  return result;
}

/** `1.1` → 11,000 basis points; at least 1 (no re-arm below the threshold), at most 10. */
function ratioBp(env: Env): number {
  const raw = env.BALANCE_REARM_RATIO?.trim();
  if (!raw) return 11_000;
  const match = /^(\d+)(?:\.(\d{1,4}))?$/.exec(raw);
  const value = match ? Number(match[1]) * 10_000 + Number((match[2] ?? '').padEnd(4, '0')) : NaN;
  if (!match || value < 10_000 || value > 100_000) {
    throw new ConfigError('BALANCE_REARM_RATIO', `must be a number from 1 to 10, got "${raw}"`);
  }
  return value;
}

function increment(env: Env): 1 | 60 {
  const raw = env.BILLING_INCREMENT_SECONDS?.trim() || '60';
  if (raw !== '1' && raw !== '60') {
    throw new ConfigError('BILLING_INCREMENT_SECONDS', `must be 1 or 60, got "${raw}"`);
  }
  return raw === '1' ? 1 : 60;
}

function prefix(env: Env): string {
  const raw = env.LEDGER_COLLECTION_PREFIX?.trim() || DEFAULT_COLLECTION_PREFIX;
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(raw)) {
    throw new ConfigError(
      'LEDGER_COLLECTION_PREFIX',
      `must be lower-case snake_case, got "${raw}"`,
    );
  }
  return raw;
}

export function loadBillingConfig(
  env: Env = process.env,
  options: BillingConfigOptions = {},
): BillingConfig {
  const eventing = loadConfig(env);
  const billed = envCurrencies(env, 'BILLING_CURRENCIES', ['USD']);
  return {
    eventing,
    billing: {
      currencies: billed,
      billingIncrementSeconds: increment(env),
      thresholdMicros: thresholds(env, billed),
      leadSeconds: envInteger(env, 'AUTO_RELEASE_LEAD_SECONDS', 900, 0, 7 * 86_400),
      rearmRatioBp: ratioBp(env),
      evaluateConcurrency: envInteger(env, 'EVALUATE_CONCURRENCY', 8, 1, 64),
      heldSweepAfterSeconds: envInteger(env, 'HELD_USAGE_SWEEP_AFTER_SECONDS', 300, 0, 86_400),
      ledgerCollectionPrefix: prefix(env),
    },
    operators: operatorVerifierFromEnv(
      env,
      options.operatorCertsUrl ? { certsUrl: options.operatorCertsUrl } : {},
    ),
  };
}

/** The balance policy of one billed currency. */
export function balancePolicy(settings: BillingSettings, currency: string): BalancePolicy {
  return {
    threshold_micros: settings.thresholdMicros[currency] ?? DEFAULT_THRESHOLD_MICROS,
    lead_seconds: settings.leadSeconds,
    rearm_ratio_bp: settings.rearmRatioBp,
  };
}
