import { Currency } from '@gpuaas/contracts';
import { ConfigError } from './errors';

/** The contracts' currency code, as their schema spells it. */
const CURRENCY_CODE = new RegExp(Currency.pattern ?? '^[A-Z]{3}$');

/** The process environment, or a test's: variables by name. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The value, trimmed; a ConfigError naming the variable when it is missing. */
export function envRequired(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, 'is required');
  return value;
}

/** A whole number in [min, max], or the fallback when unset. */
export function envInteger(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/** One of the allowed words, or the fallback when unset. */
export function envOneOf<T extends string>(
  env: Env,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

/** `true` or `false`, or the fallback when unset. */
export function envBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (raw !== 'true' && raw !== 'false') {
    throw new ConfigError(name, `must be true or false, got "${raw}"`);
  }
  return raw === 'true';
}

/** An absolute URL (http or https unless `protocols` says otherwise), or undefined when unset. */
export function envUrl(
  env: Env,
  name: string,
  protocols: readonly string[] = ['http:', 'https:'],
): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  if (!URL.canParse(raw) || !protocols.includes(new URL(raw).protocol)) {
    throw new ConfigError(
      name,
      `must be an ${protocols.map((p) => p.replace(':', '')).join('/')} URL, got "${raw}"`,
    );
  }
  return raw;
}

/**
 * A comma-separated list of upper-case ISO 4217 codes (`USD, EUR`), without repeats, or the
 * fallback when unset: the currencies the platform bills, read alike by every app that needs them.
 */
export function envCurrencies(env: Env, name: string, fallback: readonly string[]): string[] {
  const raw = env[name]?.trim();
  if (!raw) return [...fallback];
  const list = raw.split(',').map((c) => c.trim());
  for (const c of list) {
    if (!CURRENCY_CODE.test(c)) {
      throw new ConfigError(name, `"${c}" is not an upper-case ISO 4217 code`);
    }
  }
  return [...new Set(list)];
}
