import { describe, expect, it } from 'vitest';
import { ProviderError } from './gpu-provider';
import { SimulatedProvider, type SimulatedProviderOptions } from './simulated-provider';

const options = (changes: Partial<SimulatedProviderOptions> = {}): SimulatedProviderOptions => ({
  seed: 'unit',
  capacity: { h100: { 'us-central1': 8 } },
  defaultRegion: 'us-central1',
  bootLatencyMs: [20, 20],
  callLatencyMs: [0, 0],
  createFailureRate: 0,
  bootFailureRate: 0,
  releaseFailureRate: 0,
  ...changes,
});
const request = (allocationId: string, gpuCount = 2) => ({
  allocationId,
  userId: 'user-1',
  gpuType: 'h100',
  gpuCount,
  region: null,
});
const call = (idempotencyKey: string) => ({ idempotencyKey, signal: new AbortController().signal });
const read = { signal: new AbortController().signal };

async function untilSettled(sim: SimulatedProvider, id: string) {
  for (;;) {
    const instance = await sim.getInstance(id, read);
    if (instance?.state !== 'booting') return instance;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the simulated provider', () => {
  it('answers a retried create with the instance the first call made', async () => {
    const sim = new SimulatedProvider(options());
    const [a, b] = await Promise.all([
      sim.createInstance(request('alloc-1'), call('key-1')),
      sim.createInstance(request('alloc-1'), call('key-1')),
    ]);
    const c = await sim.createInstance(request('alloc-1'), call('key-1'));
    expect(new Set([a.instanceId, b.instanceId, c.instanceId]).size).toBe(1);
    expect(sim.stats()).toEqual({ createCalls: 3, instancesMade: 1 });
    expect(a).toMatchObject({ state: 'booting', allocationId: 'alloc-1', region: 'us-central1' });
    expect(await untilSettled(sim, a.instanceId)).toMatchObject({ state: 'running' });
  });

  it('refuses what exceeds the capacity of the GPU type and region, and frees it on terminate', async () => {
    const sim = new SimulatedProvider(options());
    const big = await sim.createInstance(request('alloc-1', 6), call('key-1'));
    await expect(sim.createInstance(request('alloc-2', 4), call('key-2'))).rejects.toMatchObject({
      code: 'no_capacity',
      retryable: true,
    });
    await expect(
      sim.createInstance({ ...request('alloc-3'), gpuType: 'b200' }, call('key-3')),
    ).rejects.toBeInstanceOf(ProviderError);
    await sim.terminateInstance(big.instanceId, call('t-1'));
    await expect(sim.createInstance(request('alloc-2', 4), call('key-2'))).resolves.toMatchObject({
      gpuCount: 4,
    });
  });

  it('is deterministic under a seed: the same keys fail the same way', async () => {
    const outcome = async (seed: string) => {
      const sim = new SimulatedProvider(
        options({ seed, createFailureRate: 0.5, capacity: { h100: { 'us-central1': 1000 } } }),
      );
      const results: string[] = [];
      for (let i = 0; i < 20; i++) {
        results.push(
          await sim.createInstance(request(`a-${i}`, 1), call(`k-${i}`)).then(
            (instance) => instance.instanceId,
            (error: ProviderError) => error.code,
          ),
        );
      }
      return results;
    };
    const first = await outcome('seed-a');
    expect(await outcome('seed-a')).toEqual(first);
    expect(first.filter((r) => r === 'provider_error').length).toBeGreaterThan(0);
    expect(first.filter((r) => r !== 'provider_error').length).toBeGreaterThan(0);
    expect(await outcome('seed-b')).not.toEqual(first);
  });

  it('reports a half-created instance as failed until it is torn down', async () => {
    const sim = new SimulatedProvider(options({ bootFailureRate: 1 }));
    const made = await sim.createInstance(request('alloc-1'), call('key-1'));
    expect(await untilSettled(sim, made.instanceId)).toMatchObject({
      state: 'failed',
      failure: { code: 'health_check_failed' },
    });
    expect(sim.liveInstances()).toHaveLength(1);
    await sim.terminateInstance(made.instanceId, call('teardown'));
    expect(await sim.getInstance(made.instanceId, read)).toBeNull();
    expect(sim.liveInstances()).toHaveLength(0);
  });

  it('fails terminate calls at the release failure rate; a terminated instance is gone for good', async () => {
    const sim = new SimulatedProvider(options({ releaseFailureRate: 1 }));
    const made = await sim.createInstance(request('alloc-1'), call('key-1'));
    await expect(sim.terminateInstance(made.instanceId, call('r-1'))).rejects.toMatchObject({
      code: 'provider_error',
    });
    sim.configure({ releaseFailureRate: 0 });
    const receipt = await sim.terminateInstance(made.instanceId, call('r-2'));
    expect(receipt.alreadyGone).toBe(false);
    expect((await sim.terminateInstance(made.instanceId, call('r-3'))).alreadyGone).toBe(true);
    // The same create key still names the terminated instance: no second one is made.
    const again = await sim.createInstance(request('alloc-1'), call('key-1'));
    expect(again).toMatchObject({ instanceId: made.instanceId, state: 'terminated' });
  });

  it('fails every terminate call in a region under an outage, and none elsewhere', async () => {
    const sim = new SimulatedProvider(
      options({
        capacity: { h100: { 'us-central1': 8, 'europe-west4': 8 } },
        releaseFailureRegions: ['europe-west4'],
      }),
    );
    const down = await sim.createInstance(
      { ...request('alloc-eu'), region: 'europe-west4' },
      call('key-eu'),
    );
    const up = await sim.createInstance(request('alloc-us'), call('key-us'));
    for (const attempt of ['r-1', 'r-2', 'r-3']) {
      await expect(sim.terminateInstance(down.instanceId, call(attempt))).rejects.toMatchObject({
        code: 'provider_error',
      });
    }
    expect((await sim.terminateInstance(up.instanceId, call('r-us'))).alreadyGone).toBe(false);
    expect(sim.liveInstances().map((i) => i.instanceId)).toEqual([down.instanceId]);
  });

  it('lists live instances by allocation label, and stops when the signal aborts', async () => {
    const sim = new SimulatedProvider(options({ callLatencyMs: [50, 50] }));
    await sim.createInstance(request('alloc-1', 1), call('key-1'));
    await sim.createInstance(request('alloc-2', 1), call('key-2'));
    expect(await sim.listInstances({ allocationId: 'alloc-2' }, read)).toHaveLength(1);
    expect(await sim.listInstances({}, read)).toHaveLength(2);
    const aborted = AbortSignal.timeout(5);
    await expect(sim.listInstances({}, { signal: aborted })).rejects.toThrow();
  });

  it('refuses past the user quota', async () => {
    const sim = new SimulatedProvider(options({ userQuotaGpus: 2 }));
    await sim.createInstance(request('alloc-1', 2), call('key-1'));
    await expect(sim.createInstance(request('alloc-2', 1), call('key-2'))).rejects.toMatchObject({
      code: 'quota_exceeded',
      retryable: false,
    });
  });
});
