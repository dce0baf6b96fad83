import { ConfigError } from '@gpuaas/eventing';
import { tasksOf } from '@gpuaas/topology/services';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPACITY, loadWorkerConfig } from './config';
import { provisioningWorkerService } from './service';

const base = { SERVICE_NAME: 'provisioning-worker', GCP_PROJECT_ID: 'p', PUSH_AUTH: 'off' };

describe('the worker configuration', () => {
  it('has sane defaults: DOMAIN.md release schedule, the default capacity, no failures', () => {
    const config = loadWorkerConfig(base);
    expect(config.release).toEqual({ retrySeconds: 30, maxRetrySeconds: 30, deadlineSeconds: 900 });
    expect(config.simulated).toMatchObject({
      capacity: DEFAULT_CAPACITY,
      createFailureRate: 0,
      releaseFailureRate: 0,
      defaultRegion: 'us-central1',
    });
  });

  it('reads the simulated provider settings', () => {
    const config = loadWorkerConfig({
      ...base,
      SIM_CAPACITY: 'h100@us-east1=8, a100@us-east1=4',
      SIM_BOOT_LATENCY_MS: '100-200',
      SIM_RELEASE_FAILURE_RATE: '0.25',
      SIM_SEED: 'demo',
      SIM_USER_QUOTA_GPUS: '16',
      SIM_RELEASE_FAILURE_REGIONS: 'europe-west4, asia-east1',
    });
    expect(config.simulated).toMatchObject({
      seed: 'demo',
      capacity: { h100: { 'us-east1': 8 }, a100: { 'us-east1': 4 } },
      bootLatencyMs: [100, 200],
      releaseFailureRate: 0.25,
      userQuotaGpus: 16,
      releaseFailureRegions: ['europe-west4', 'asia-east1'],
    });
  });

  it.each([
    ['SIM_CAPACITY', 'h100=8'],
    ['SIM_BOOT_LATENCY_MS', '200-100'],
    ['SIM_CREATE_FAILURE_RATE', '1.5'],
    ['SIM_RELEASE_FAILURE_REGIONS', 'europe west4'],
    ['RELEASE_RETRY_SECONDS', 'soon'],
    ['PROVIDER', 'gce'],
  ])('names the variable at fault: %s=%s', (name, value) => {
    expect(() => loadWorkerConfig({ ...base, [name]: value })).toThrowError(ConfigError);
    expect(() => loadWorkerConfig({ ...base, [name]: value })).toThrow(name);
  });

  it('refuses a longest retry delay below the first', () => {
    expect(() =>
      loadWorkerConfig({ ...base, RELEASE_RETRY_SECONDS: '60', RELEASE_RETRY_MAX_SECONDS: '30' }),
    ).toThrow('RELEASE_RETRY_MAX_SECONDS');
  });

  it('mounts exactly the tasks the services table schedules for it', () => {
    const options = provisioningWorkerService(loadWorkerConfig({ ...base, OPERATOR_AUTH: 'off' }));
    const mounted = ['outbox-sweep', ...(options.tasks ?? []).map((t) => t.name)].sort();
    expect(mounted).toEqual(
      tasksOf('provisioning-worker')
        .map((t) => t.name)
        .sort(),
    );
  });
});
