import type { Allocation, AllocationTransition, NewAllocation } from '@gpuaas/allocations';
import type { ProvisionResult } from '../operations/provision';

/**
 * The transitions that commit a provisioning result on the allocation as it is now (it may have
 * moved on while the provider was called: a release came, another delivery finished).
 */
export function provisionSteps(
  current: Allocation | undefined,
  result: ProvisionResult,
  at: string,
  requested: NewAllocation,
): AllocationTransition[] {
  const create: AllocationTransition[] = current
    ? []
    : [{ kind: 'request', at, allocation: requested }];
  const releasing = current?.status === 'releasing';
  switch (result.kind) {
    case 'skipped':
      return [];
    case 'failed': {
      const torn = result.failure.provider_instance_id;
      // A cancel waiting for this instance: it is gone, so the release completes.
      if (releasing && current?.instance && torn) {
        return [{ kind: 'confirm_release', at }];
      }
      return [...create, { kind: 'fail', at, failure: result.failure }];
    }
    case 'active':
      if (releasing) return [{ kind: 'record_instance', at, instance: result.instance }];
      return [
        ...create,
        { kind: 'activate', at, started_at: result.startedAt, instance: result.instance },
      ];
    case 'pending':
      return [{ kind: 'record_instance', at, instance: result.instance }];
    case 'cancelled':
      if (!releasing) return [];
      return [{ kind: 'confirm_release', at: result.terminatedAt, instance: result.instance }];
  }
}
