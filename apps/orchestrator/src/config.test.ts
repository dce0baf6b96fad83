import { ConfigError } from '@gpuaas/eventing';
import { tasksOf } from '@gpuaas/topology/services';
import { describe, expect, it } from 'vitest';
import { loadOrchestratorConfig } from './config';
import { checkOffer, DEFAULT_GPU_TYPES, DEFAULT_PRICE_BOOK } from './domain/offer';
import { orchestratorService } from './service';

const base = { SERVICE_NAME: 'orchestrator', GCP_PROJECT_ID: 'p', PUSH_AUTH: 'off' };

describe('the orchestrator configuration', () => {
  it('offers several GPU types, billed per second and per minute, by default', () => {
    const config = loadOrchestratorConfig(base);
    expect(Object.keys(config.gpuTypes)).toEqual(['h100', 'a100', 'l4', 't4']);
    const increments = Object.values(config.priceBook).map((p) => p.billing_increment_seconds);
    expect(new Set(increments)).toEqual(new Set([1, 60]));
    expect(config.provisioningTimeoutSeconds).toBe(600);
  });

  it('reads GPU types and a price book from JSON', () => {
    const config = loadOrchestratorConfig({
      ...base,
      GPU_TYPES: JSON.stringify({
        b200: { description: 'B200', max_gpu_count: 4, regions: ['us-east5'] },
      }),
      PRICE_BOOK: JSON.stringify({
        b200: {
          price_id: 'price_b200',
          rate_micros_per_gpu_hour: 6_000_000,
          currency: 'EUR',
          billing_increment_seconds: 60,
        },
      }),
    });
    expect(config.gpuTypes.b200?.regions).toEqual(['us-east5']);
    expect(config.priceBook.b200?.currency).toBe('EUR');
  });

  it.each([
    ['GPU_TYPES', 'not json'],
    [
      'GPU_TYPES',
      JSON.stringify({ h100: { description: 'x', max_gpu_count: 0, regions: ['r1'] } }),
    ],
    [
      'PRICE_BOOK',
      JSON.stringify({ h100: { ...DEFAULT_PRICE_BOOK.h100, billing_increment_seconds: 30 } }),
    ],
    ['PRICE_BOOK', JSON.stringify({ h100: DEFAULT_PRICE_BOOK.h100 })],
    ['PROVISIONING_TIMEOUT_SECONDS', '0'],
  ])('names the variable at fault: %s=%s', (name, value) => {
    expect(() => loadOrchestratorConfig({ ...base, [name]: value })).toThrowError(ConfigError);
    expect(() => loadOrchestratorConfig({ ...base, [name]: value })).toThrow(name);
  });

  it('mounts the tasks the services table schedules for it', () => {
    const options = orchestratorService(loadOrchestratorConfig({ ...base, OPERATOR_AUTH: 'off' }));
    const mounted = ['outbox-sweep', ...(options.tasks ?? []).map((t) => t.name)].sort();
    expect(mounted).toEqual(
      tasksOf('orchestrator')
        .map((t) => t.name)
        .sort(),
    );
  });
});

describe('the offer', () => {
  it('names the field a request exceeds', () => {
    expect(checkOffer(DEFAULT_GPU_TYPES, 't4', 5, undefined)?.pointer).toBe('/gpu_count');
    expect(checkOffer(DEFAULT_GPU_TYPES, 'h100', 1, 'asia-east1')?.pointer).toBe('/region');
    expect(checkOffer(DEFAULT_GPU_TYPES, 'x', 1, undefined)?.pointer).toBe('/gpu_type');
    expect(checkOffer(DEFAULT_GPU_TYPES, 'h100', 8, 'europe-west4')).toBeUndefined();
  });
});
