import { type Allocation, type InstanceRef, storedInstant } from '@gpuaas/allocations';
import { TransientError } from '@gpuaas/eventing';
import { type GpuProvider, ProviderError } from '../provider/gpu-provider';

/** What one release attempt found at the provider. */
export type TerminateResult =
  | { kind: 'gone'; instance: InstanceRef; at: string }
  | { kind: 'error'; code: string; message: string; at: string }
  /** No instance recorded and none carries the allocation's label: there was never one. */
  | { kind: 'nothing_found' };

const refOf = (provider: GpuProvider, instanceId: string, region: string): InstanceRef => ({
  provider: provider.name,
  provider_instance_id: instanceId,
  region,
});

/**
 * Terminates the allocation's instance; without a recorded one, every instance labelled with the
 * allocation. A provider answer becomes a result; anything else (abort, network) is transient:
 * the caller retries with the same key.
 */
export async function terminateFor(
  allocation: Allocation,
  key: string,
  { provider, now }: { provider: GpuProvider; now: () => Date },
  signal: AbortSignal,
): Promise<TerminateResult> {
  try {
    if (allocation.instance) {
      const receipt = await provider.terminateInstance(allocation.instance.provider_instance_id, {
        idempotencyKey: key,
        signal,
      });
      const { provider_instance_id, region } = allocation.instance;
      return {
        kind: 'gone',
        instance: refOf(provider, provider_instance_id, region),
        at: storedInstant(receipt.terminatedAt),
      };
    }
    const found = await provider.listInstances(
      { allocationId: allocation.allocation_id },
      { signal },
    );
    const first = found[0];
    if (!first) return { kind: 'nothing_found' };
    let at = '';
    for (const instance of found) {
      const receipt = await provider.terminateInstance(instance.instanceId, {
        idempotencyKey: `${key}:${instance.instanceId}`,
        signal,
      });
      at = storedInstant(receipt.terminatedAt);
    }
    return { kind: 'gone', instance: refOf(provider, first.instanceId, first.region), at };
  } catch (error) {
    if (error instanceof ProviderError) {
      return { kind: 'error', code: error.code, message: error.message, at: storedInstant(now()) };
    }
    throw new TransientError('provider_unavailable', `terminate: ${String(error)}`, {
      cause: error,
    });
  }
}
