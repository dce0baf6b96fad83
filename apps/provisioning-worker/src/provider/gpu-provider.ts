/**
 * The GPU provider port: what the worker needs from whoever runs the machines (the simulated
 * provider here; Compute Engine instances or GKE node pools in production).
 *
 * Contract an implementation must keep:
 * - Mutating calls (`createInstance`, `terminateInstance`) carry an idempotency key. The same key
 *   always means the same operation: a retried `createInstance` answers the instance the first
 *   call made (whatever its state now, even terminated) and never makes a second one; a
 *   retried `terminateInstance` is a no-op once the instance is gone. (Compute Engine:
 *   `requestId`; GKE: a node pool named after the key.)
 * - A call that answers with a `ProviderError` had a known outcome: `createInstance` made no
 *   instance (or one the caller will see as `failed` and tear down). Any other throw (abort,
 *   network) means the outcome is unknown: retry with the same key.
 * - Every call honours `signal`: it rejects soon after the signal aborts.
 * - Instances carry the allocation id as a label (`allocationId`), so `listInstances` can find
 *   the instances of an allocation whose instance id was never recorded, and the reconciler can
 *   find instances no allocation owns.
 * - `readyAt` is when the instance passed its health check: billing starts there. An instance
 *   that cannot become healthy reports `failed` with a reason; it still holds capacity until it
 *   is terminated.
 * - `getInstance` answers `null` (or state `terminated`) once an instance is gone, whoever
 *   removed it.
 */
export interface GpuProvider {
  /** Short name carried in events (`provider`): `simulated`, `gce`, … */
  readonly name: string;
  createInstance(request: CreateInstanceRequest, call: ProviderCall): Promise<ProviderInstance>;
  getInstance(instanceId: string, call: ProviderRead): Promise<ProviderInstance | null>;
  /** Resolves once the provider confirms the instance is gone (or it already was). */
  terminateInstance(instanceId: string, call: ProviderCall): Promise<TerminationReceipt>;
  /** Live instances (not terminated), optionally only those labelled with one allocation. */
  listInstances(filter: InstanceFilter, call: ProviderRead): Promise<ProviderInstance[]>;
}

export interface ProviderRead {
  signal: AbortSignal;
}

export interface ProviderCall extends ProviderRead {
  /** The effect's record id (or one derived from it per attempt): same key, same operation. */
  idempotencyKey: string;
}

export interface CreateInstanceRequest {
  allocationId: string;
  userId: string;
  gpuType: string;
  gpuCount: number;
  /** The provider's default region when null. */
  region: string | null;
}

export interface InstanceFilter {
  allocationId?: string;
}

export type InstanceState = 'booting' | 'running' | 'failed' | 'terminated';

export interface ProviderInstance {
  instanceId: string;
  allocationId: string;
  userId: string;
  gpuType: string;
  gpuCount: number;
  region: string;
  state: InstanceState;
  /** RFC 3339. */
  createdAt: string;
  /** Health check passed (RFC 3339); null until then. */
  readyAt: string | null;
  /** Why a `failed` instance failed. */
  failure: { code: string; message: string } | null;
  terminatedAt: string | null;
}

export interface TerminationReceipt {
  instanceId: string;
  /** When the provider confirmed it gone (RFC 3339). */
  terminatedAt: string;
  /** True when it was gone before this call. */
  alreadyGone: boolean;
}

export type ProviderErrorCode =
  | 'no_capacity'
  | 'quota_exceeded'
  | 'provider_error'
  | 'invalid_request';

/** A provider answer with a known outcome; `retryable` says whether the same request may work later. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export const isGone = (instance: ProviderInstance | null): boolean =>
  instance === null || instance.state === 'terminated';
