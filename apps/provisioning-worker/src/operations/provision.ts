import {
  type Allocation,
  type AllocationStatus,
  allocationOfRequested,
  checkProvisioningGate,
  type FailureInput,
  getAllocation,
  type InstanceRef,
  msOf,
  storedInstant,
  transitionAllocation,
} from '@gpuaas/allocations';
import type { ProvisioningFailureReason, ProvisioningRequested } from '@gpuaas/contracts';
import { type EffectContext, TransientError } from '@gpuaas/eventing';
import { failureOf } from '../domain/reason';
import { isGone, ProviderError, type ProviderInstance } from '../provider/gpu-provider';
import type { WorkerContext } from '../worker-context';
import { pause } from './pause';

/** What provisioning got to within one delivery; `handle` commits it. */
export type ProvisionResult =
  | { kind: 'skipped'; status: AllocationStatus | null }
  /** Nothing of it is left at the provider (a half-created instance was torn down). */
  | { kind: 'failed'; failure: FailureInput }
  | { kind: 'active'; instance: InstanceRef; startedAt: string }
  /** Still booting when the delivery's time ran out: the reconciler finishes it. */
  | { kind: 'pending'; instance: InstanceRef }
  /** Released while provisioning: the instance is gone again. */
  | { kind: 'cancelled'; instance: InstanceRef; terminatedAt: string };

const PROVISIONABLE: readonly AllocationStatus[] = ['requested', 'provisioning'];

const REASON_OF: Record<ProviderError['code'], ProvisioningFailureReason> = {
  no_capacity: 'no_capacity',
  quota_exceeded: 'quota_exceeded',
  provider_error: 'provider_error',
  invalid_request: 'provider_error',
};

const transient = (step: string, error: unknown) =>
  new TransientError('provider_unavailable', `${step}: ${String(error)}`, { cause: error });

/**
 * The `requested` effect: the balance gate, `requested → provisioning`, the create call (the
 * delivery's record id as idempotency key, so a redelivery finds the same instance), then the
 * health check until the delivery's signal. Writes only event-free transitions itself.
 */
export async function provision(
  payload: ProvisioningRequested,
  ctx: EffectContext,
  worker: WorkerContext,
): Promise<ProvisionResult> {
  const { firestore, signal, delivery, log } = ctx;
  const { provider, now, config } = worker;
  const id = payload.allocation_id;
  const current = await getAllocation(firestore, id);
  if (current && current.user_id !== payload.user_id) {
    log.warn({ allocation_id: id }, 'requested for an allocation of another user ignored');
    return { kind: 'skipped', status: current.status };
  }
  if (current && !PROVISIONABLE.includes(current.status)) {
    return { kind: 'skipped', status: current.status };
  }

  // The gate comes before anything costs money; a provisioning one has passed it already.
  if (!current || current.status === 'requested') {
    const gate = await checkProvisioningGate(
      { firestore, balanceOf: worker.balanceOf, now },
      payload.user_id,
      { clear: true },
    );
    if (!gate.open) {
      const message = `the ${gate.currency} balance is ${gate.balance_micros} micros; add credit to provision`;
      return {
        kind: 'failed',
        failure: failureOf('insufficient_balance', message, { attempts: 0, retryable: true }),
      };
    }
  }

  const at = storedInstant(now());
  const started = await firestore.runTransaction((tx) =>
    transitionAllocation(tx, firestore, id, [
      ...(current
        ? []
        : [{ kind: 'request' as const, at, allocation: allocationOfRequested(payload) }]),
      { kind: 'start_provisioning', at },
    ]),
  );
  const allocation = started.applied ? started.after : started.current;
  if (!allocation || !PROVISIONABLE.includes(allocation.status)) {
    return { kind: 'skipped', status: allocation?.status ?? null };
  }

  const created = await create(allocation, delivery.recordId, signal, worker);
  if ('failure' in created) return { kind: 'failed', failure: created.failure };
  let instance = created.instance;
  const ref: InstanceRef = {
    provider: provider.name,
    provider_instance_id: instance.instanceId,
    region: instance.region,
  };
  // Recorded at once, so a release arriving while it boots knows what to terminate.
  await firestore.runTransaction((tx) =>
    transitionAllocation(tx, firestore, id, {
      kind: 'record_instance',
      at: storedInstant(now()),
      instance: ref,
    }),
  );

  const deadline = msOf(allocation.requested_at) + allocation.provisioning_timeout_seconds * 1000;
  const teardown = async (code: ProvisioningFailureReason, message: string) => {
    try {
      await provider.terminateInstance(instance.instanceId, {
        idempotencyKey: `${delivery.recordId}:teardown`,
        signal: AbortSignal.timeout(config.providerCallTimeoutMs),
      });
    } catch (error) {
      // The allocation fails either way; the reconciler terminates what no allocation owns.
      log.warn({ err: error, instance_id: instance.instanceId }, 'teardown failed');
    }
    const failure = failureOf(code, message, {
      attempts: created.attempts,
      retryable: code !== 'provisioning_timeout',
      providerInstanceId: instance.instanceId,
    });
    return { kind: 'failed', failure } as const;
  };

  let result: ProvisionResult | undefined;
  while (!result) {
    if (instance.state === 'running' && instance.readyAt) {
      result = { kind: 'active', instance: ref, startedAt: instance.readyAt };
    } else if (instance.state === 'failed') {
      result = await teardown('provider_error', instance.failure?.message ?? 'instance failed');
    } else if (now().getTime() >= deadline) {
      result = await teardown(
        'provisioning_timeout',
        `not healthy within ${allocation.provisioning_timeout_seconds} s`,
      );
    } else {
      try {
        await pause(config.provisioning.pollIntervalMs, signal);
        const seen = await provider.getInstance(instance.instanceId, { signal });
        if (isGone(seen)) result = await goneWhileBooting(id, ref, created.attempts, ctx, now);
        else instance = seen as ProviderInstance;
      } catch (error) {
        if (!signal.aborted) throw transient('health check', error);
        result = { kind: 'pending', instance: ref };
      }
    }
  }
  if (result.kind === 'failed') return result;
  return cancelledMeanwhile(id, ref, delivery.recordId, ctx, worker, result);
}

/** Gone before healthy: terminated by a release that came meanwhile, or vanished. */
async function goneWhileBooting(
  id: string,
  ref: InstanceRef,
  attempts: number,
  ctx: EffectContext,
  now: () => Date,
): Promise<ProvisionResult> {
  const latest = await getAllocation(ctx.firestore, id);
  if (latest && latest.status !== 'provisioning') {
    return { kind: 'cancelled', instance: ref, terminatedAt: storedInstant(now()) };
  }
  const failure = failureOf('provider_error', 'the instance vanished while provisioning', {
    attempts,
    retryable: true,
    providerInstanceId: ref.provider_instance_id,
  });
  return { kind: 'failed', failure };
}

/** A release that came while the instance booted: terminate it now rather than activate it. */
async function cancelledMeanwhile(
  id: string,
  ref: InstanceRef,
  recordId: string,
  ctx: EffectContext,
  worker: WorkerContext,
  result: ProvisionResult,
): Promise<ProvisionResult> {
  const latest = await getAllocation(ctx.firestore, id);
  if (!latest || latest.status === 'provisioning') return result;
  try {
    const receipt = await worker.provider.terminateInstance(ref.provider_instance_id, {
      idempotencyKey: `${recordId}:cancel`,
      signal: AbortSignal.timeout(worker.config.providerCallTimeoutMs),
    });
    return { kind: 'cancelled', instance: ref, terminatedAt: storedInstant(receipt.terminatedAt) };
  } catch (error) {
    // The release path owns it now: its retries terminate the recorded instance.
    ctx.log.warn({ err: error, allocation_id: id }, 'cancel terminate failed; release retries it');
    return { kind: 'skipped', status: latest.status };
  }
}

type Created =
  | { instance: ProviderInstance; attempts: number }
  | { failure: FailureInput; attempts: number };

/** Create, retrying a retryable answer with a key per attempt (a failed create made nothing). */
async function create(
  allocation: Allocation,
  recordId: string,
  signal: AbortSignal,
  worker: WorkerContext,
): Promise<Created> {
  const max = worker.config.provisioning.createAttempts;
  for (let attempt = 1; ; attempt++) {
    try {
      const instance = await worker.provider.createInstance(
        {
          allocationId: allocation.allocation_id,
          userId: allocation.user_id,
          gpuType: allocation.gpu_type,
          gpuCount: allocation.gpu_count,
          region: allocation.region,
        },
        { idempotencyKey: attempt === 1 ? recordId : `${recordId}:${attempt}`, signal },
      );
      return { instance, attempts: attempt };
    } catch (error) {
      // An unknown outcome (abort, network): the redelivery asks again with the same keys.
      if (!(error instanceof ProviderError)) throw transient('create', error);
      if (!error.retryable || attempt >= max) {
        const failure = failureOf(REASON_OF[error.code], error.message, {
          attempts: attempt,
          retryable: error.retryable,
        });
        return { failure, attempts: attempt };
      }
      try {
        await pause(100 * 2 ** (attempt - 1), signal);
      } catch (abort) {
        throw transient('create backoff', abort);
      }
    }
  }
}
