import { AllocationPrice } from '@gpuaas/allocations';
import { ConfigError, type EventingConfig, envInteger, loadConfig } from '@gpuaas/eventing';
import { type TSchema, Type } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import {
  DEFAULT_GPU_TYPES,
  DEFAULT_PRICE_BOOK,
  type GpuTypes,
  type PriceBook,
} from './domain/offer';

type Env = Record<string, string | undefined>;

export interface OrchestratorConfig {
  eventing: EventingConfig;
  gpuTypes: GpuTypes;
  priceBook: PriceBook;
  /** Carried in every `requested` event: after it, provisioning fails with `provisioning_timeout`. */
  provisioningTimeoutSeconds: number;
  /** Largest public API request body. */
  bodyLimitBytes: number;
  /** The environment, for operator auth (`OPERATOR_AUTH`, …). */
  env: Env;
}

const Offer = Type.Object(
  {
    description: Type.String({ minLength: 1 }),
    max_gpu_count: Type.Integer({ minimum: 1, maximum: 64 }),
    regions: Type.Array(Type.String({ pattern: '^[a-z][a-z0-9-]{1,62}$' }), { minItems: 1 }),
  },
  { additionalProperties: false },
);
const GpuTypeName = '^[a-z0-9][a-z0-9-]{0,62}$';
const checkGpuTypes = TypeCompiler.Compile(
  Type.Record(Type.String({ pattern: GpuTypeName }), Offer, { minProperties: 1 }),
);
const checkPriceBook = TypeCompiler.Compile(
  Type.Record(Type.String({ pattern: GpuTypeName }), AllocationPrice),
);

function json<T>(env: Env, name: string, check: TypeCheck<TSchema>, fallback: T): T {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ConfigError(name, 'must be JSON');
  }
  if (!check.Check(value)) {
    const first = check.Errors(value).First();
    throw new ConfigError(name, `${first?.path || '/'}: ${first?.message ?? 'invalid'}`);
  }
  return value as T;
}

/** The orchestrator's settings: the runtime's, the offer (GPU types, price book), the API's. */
export function loadOrchestratorConfig(env: Env = process.env): OrchestratorConfig {
  const gpuTypes = json<GpuTypes>(env, 'GPU_TYPES', checkGpuTypes, DEFAULT_GPU_TYPES);
  const priceBook = json<PriceBook>(env, 'PRICE_BOOK', checkPriceBook, DEFAULT_PRICE_BOOK);
  const unpriced = Object.keys(gpuTypes).filter((type) => !priceBook[type]);
  if (unpriced.length > 0) {
    throw new ConfigError(
      'PRICE_BOOK',
      `no price for ${unpriced.join(', ')} (GPU_TYPES offers it)`,
    );
  }
  return {
    eventing: loadConfig(env),
    gpuTypes,
    priceBook,
    provisioningTimeoutSeconds: envInteger(env, 'PROVISIONING_TIMEOUT_SECONDS', 600, 1, 86_400),
    bodyLimitBytes: envInteger(env, 'API_BODY_LIMIT_BYTES', 16 * 1024, 1024, 1024 * 1024),
    env,
  };
}
