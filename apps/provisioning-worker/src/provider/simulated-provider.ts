import {
  type CreateInstanceRequest,
  type GpuProvider,
  type InstanceFilter,
  ProviderError,
  type ProviderInstance,
  type ProviderRead,
  type TerminationReceipt,
} from './gpu-provider';
import { seededBetween, seededDraw, seededId } from './seeded-draw';

/** GPUs available per GPU type and region. */
export type Capacity = Readonly<Record<string, Readonly<Record<string, number>>>>;

export interface SimulatedProviderOptions {
  /** Every random outcome is fixed by (seed, idempotency key): same seed, same run. */
  seed: string;
  capacity: Capacity;
  defaultRegion: string;
  /** Time from create to the health check's verdict, [min, max] ms. */
  bootLatencyMs: readonly [number, number];
  /** Latency of every call, [min, max] ms. */
  callLatencyMs: readonly [number, number];
  /** Share of create calls answered `provider_error` (nothing made; retryable). */
  createFailureRate: number;
  /** Share of instances that never pass their health check (half-created: must be torn down). */
  bootFailureRate: number;
  /** Share of terminate calls answered `provider_error` (the instance stays). */
  releaseFailureRate: number;
  /** Regions whose control plane fails every terminate call (an outage: releases there fail). */
  releaseFailureRegions?: readonly string[];
  /** GPUs one user may hold at once; unlimited when absent. */
  userQuotaGpus?: number;
  now?: () => Date;
}

interface SimInstance extends ProviderInstance {
  bootTimer?: NodeJS.Timeout;
}

const abortError = (signal: AbortSignal) =>
  signal.reason instanceof Error ? signal.reason : new Error('aborted');

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * An in-process GPU provider: capacity per GPU type and region, boot and call latency, create,
 * boot and release failure rates, all deterministic under a seed. The embedded default of the
 * worker; state lives in this process (a restart loses its instances, which the reconciler
 * then finds vanished).
 */
export class SimulatedProvider implements GpuProvider {
  readonly name = 'simulated';
  private readonly byId = new Map<string, SimInstance>();
  private readonly byKey = new Map<string, string>();
  private readonly terminations = new Set<string>();
  private createCalls = 0;
  private readonly now: () => Date;

  private options: SimulatedProviderOptions;

  constructor(options: SimulatedProviderOptions) {
    this.options = { ...options };
    this.now = options.now ?? (() => new Date());
  }

  private latency(purpose: string, key: string): number {
    return seededBetween(this.options.seed, `${purpose}-latency`, key, this.options.callLatencyMs);
  }

  private heldGpus(match: (instance: SimInstance) => boolean): number {
    let held = 0;
    for (const instance of this.byId.values()) {
      if (instance.state !== 'terminated' && match(instance)) held += instance.gpuCount;
    }
    return held;
  }

  async createInstance(
    request: CreateInstanceRequest,
    call: { idempotencyKey: string; signal: AbortSignal },
  ): Promise<ProviderInstance> {
    const { seed } = this.options;
    const key = call.idempotencyKey;
    this.createCalls += 1;
    await sleep(this.latency('create', key), call.signal);
    const existing = this.byKey.get(key);
    if (existing) return this.view(existing);
    if (seededDraw(seed, 'create', key) < this.options.createFailureRate) {
      throw new ProviderError('provider_error', 'simulated provider: create failed', true);
    }
    const region = request.region ?? this.options.defaultRegion;
    const available = this.options.capacity[request.gpuType]?.[region] ?? 0;
    const held = this.heldGpus((i) => i.gpuType === request.gpuType && i.region === region);
    if (held + request.gpuCount > available) {
      throw new ProviderError(
        'no_capacity',
        `no capacity for ${request.gpuCount} x ${request.gpuType} in ${region}`,
        true,
      );
    }
    const quota = this.options.userQuotaGpus;
    if (
      quota !== undefined &&
      this.heldGpus((i) => i.userId === request.userId) + request.gpuCount > quota
    ) {
      throw new ProviderError('quota_exceeded', `GPU quota of ${quota} reached`, false);
    }
    const instance: SimInstance = {
      instanceId: seededId(seed, 'sim', key),
      allocationId: request.allocationId,
      userId: request.userId,
      gpuType: request.gpuType,
      gpuCount: request.gpuCount,
      region,
      state: 'booting',
      createdAt: this.now().toISOString(),
      readyAt: null,
      failure: null,
      terminatedAt: null,
    };
    const bootMs = seededBetween(seed, 'boot', key, this.options.bootLatencyMs);
    const healthy = seededDraw(seed, 'boot-failure', key) >= this.options.bootFailureRate;
    instance.bootTimer = setTimeout(() => {
      if (instance.state !== 'booting') return;
      if (healthy) {
        instance.state = 'running';
        instance.readyAt = this.now().toISOString();
      } else {
        instance.state = 'failed';
        instance.failure = { code: 'health_check_failed', message: 'health check failed' };
      }
    }, bootMs);
    instance.bootTimer.unref();
    this.byId.set(instance.instanceId, instance);
    this.byKey.set(key, instance.instanceId);
    return this.view(instance.instanceId);
  }

  async getInstance(instanceId: string, call: ProviderRead): Promise<ProviderInstance | null> {
    await sleep(this.latency('get', instanceId), call.signal);
    const instance = this.byId.get(instanceId);
    return instance && instance.state !== 'terminated' ? this.view(instanceId) : null;
  }

  async terminateInstance(
    instanceId: string,
    call: { idempotencyKey: string; signal: AbortSignal },
  ): Promise<TerminationReceipt> {
    const key = call.idempotencyKey;
    await sleep(this.latency('terminate', key), call.signal);
    const instance = this.byId.get(instanceId);
    if (!instance || instance.state === 'terminated') {
      return {
        instanceId,
        terminatedAt: instance?.terminatedAt ?? this.now().toISOString(),
        alreadyGone: true,
      };
    }
    // A key that succeeded once stays succeeded; only fresh keys draw a failure.
    const outage = this.options.releaseFailureRegions?.includes(instance.region) === true;
    if (
      !this.terminations.has(key) &&
      (outage ||
        seededDraw(this.options.seed, 'release-failure', key) < this.options.releaseFailureRate)
    ) {
      throw new ProviderError('provider_error', 'simulated provider: terminate failed', true);
    }
    this.terminations.add(key);
    this.markTerminated(instance);
    return { instanceId, terminatedAt: instance.terminatedAt as string, alreadyGone: false };
  }

  async listInstances(filter: InstanceFilter, call: ProviderRead): Promise<ProviderInstance[]> {
    await sleep(this.latency('list', filter.allocationId ?? '*'), call.signal);
    return [...this.byId.values()]
      .filter((i) => i.state !== 'terminated')
      .filter((i) => filter.allocationId === undefined || i.allocationId === filter.allocationId)
      .map((i) => this.view(i.instanceId));
  }

  private markTerminated(instance: SimInstance) {
    clearTimeout(instance.bootTimer);
    instance.state = 'terminated';
    instance.terminatedAt = this.now().toISOString();
  }

  private view(instanceId: string): ProviderInstance {
    const { bootTimer: _timer, ...instance } = this.byId.get(instanceId) as SimInstance;
    return { ...instance, failure: instance.failure ? { ...instance.failure } : null };
  }

  // What follows is for tests and demos, not part of the port.

  /** Changes rates, latencies or capacity from now on (instances already made keep theirs). */
  configure(changes: Partial<Omit<SimulatedProviderOptions, 'now'>>): void {
    this.options = { ...this.options, ...changes };
  }

  /** Removes an instance behind the worker's back (a host failure, a manual delete). */
  vanish(instanceId: string): void {
    const instance = this.byId.get(instanceId);
    if (instance) this.markTerminated(instance);
  }

  /** Every instance ever made, terminated ones included. */
  allInstances(): ProviderInstance[] {
    return [...this.byId.keys()].map((id) => this.view(id));
  }

  liveInstances(): ProviderInstance[] {
    return this.allInstances().filter((i) => i.state !== 'terminated');
  }

  stats(): { createCalls: number; instancesMade: number } {
    return { createCalls: this.createCalls, instancesMade: this.byId.size };
  }
}
