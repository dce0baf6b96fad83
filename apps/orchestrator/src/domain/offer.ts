import type { AllocationPrice } from '@gpuaas/allocations';

/** A GPU type the platform offers: where, and how many per allocation. */
export interface GpuTypeOffer {
  description: string;
  max_gpu_count: number;
  regions: readonly string[];
}

export type GpuTypes = Readonly<Record<string, GpuTypeOffer>>;
/** The current price of each GPU type: what a new allocation snapshots. */
export type PriceBook = Readonly<Record<string, AllocationPrice>>;

export const DEFAULT_REGIONS = ['us-central1', 'europe-west4'] as const;

export const DEFAULT_GPU_TYPES: GpuTypes = {
  h100: { description: 'NVIDIA H100 80GB', max_gpu_count: 8, regions: DEFAULT_REGIONS },
  a100: { description: 'NVIDIA A100 80GB', max_gpu_count: 8, regions: DEFAULT_REGIONS },
  l4: { description: 'NVIDIA L4 24GB', max_gpu_count: 8, regions: DEFAULT_REGIONS },
  t4: { description: 'NVIDIA T4 16GB', max_gpu_count: 4, regions: DEFAULT_REGIONS },
};

/** Rates per GPU-hour in micros; the data-centre GPUs bill per second, the small ones per minute. */
export const DEFAULT_PRICE_BOOK: PriceBook = {
  h100: {
    price_id: 'price_h100_v1',
    rate_micros_per_gpu_hour: 2_990_000,
    currency: 'USD',
    billing_increment_seconds: 1,
  },
  a100: {
    price_id: 'price_a100_v1',
    rate_micros_per_gpu_hour: 1_890_000,
    currency: 'USD',
    billing_increment_seconds: 1,
  },
  l4: {
    price_id: 'price_l4_v1',
    rate_micros_per_gpu_hour: 700_000,
    currency: 'USD',
    billing_increment_seconds: 60,
  },
  t4: {
    price_id: 'price_t4_v1',
    rate_micros_per_gpu_hour: 350_000,
    currency: 'USD',
    billing_increment_seconds: 60,
  },
};

/** Why an offered request cannot be met, naming the body field at fault. */
export type OfferProblem = { pointer: '/gpu_count' | '/region' | '/gpu_type'; detail: string };

/** Whether the offer covers `gpu_count` GPUs of `gpuType` in `region` (none: any offered region). */
export function checkOffer(
  gpuTypes: GpuTypes,
  gpuType: string,
  gpuCount: number,
  region: string | undefined,
): OfferProblem | undefined {
  const offer = gpuTypes[gpuType];
  if (!offer) return { pointer: '/gpu_type', detail: `${gpuType} is not offered` };
  if (gpuCount > offer.max_gpu_count) {
    return {
      pointer: '/gpu_count',
      detail: `at most ${offer.max_gpu_count} ${gpuType} GPUs per allocation`,
    };
  }
  if (region !== undefined && !offer.regions.includes(region)) {
    return { pointer: '/region', detail: `${gpuType} is offered in ${offer.regions.join(', ')}` };
  }
  return undefined;
}
