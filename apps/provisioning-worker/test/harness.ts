import { randomUUID } from 'node:crypto';
import { type Allocation, getAllocation } from '@gpuaas/allocations';
import {
  canonicalTimestamp,
  type EventType,
  type PayloadOf,
  type ProvisioningRequested,
} from '@gpuaas/contracts';
import {
  type ServedService,
  TestBus,
  type TopicTap,
  type WireOptions,
} from '@gpuaas/eventing/testing';
import { createLedger } from '@gpuaas/ledger';
import { expect } from 'vitest';
import { loadWorkerConfig, type WorkerConfig } from '../src/config';
import type {
  CreateInstanceRequest,
  GpuProvider,
  InstanceFilter,
  ProviderCall,
  ProviderRead,
} from '../src/provider/gpu-provider';
import {
  SimulatedProvider,
  type SimulatedProviderOptions,
} from '../src/provider/simulated-provider';
import { provisioningWorkerService } from '../src/service';

/** Real time plus an offset a test moves forward: metering and deadlines without waiting. */
export class TestClock {
  private offsetMs = 0;
  private frozenAt: number | undefined;
  readonly now = () => new Date(this.frozenAt ?? Date.now() + this.offsetMs);
  advance(seconds: number) {
    this.offsetMs += seconds * 1000;
    if (this.frozenAt !== undefined) this.frozenAt += seconds * 1000;
  }
  /** Stops the clock (ticks that must see one instant); `resume` lets it run on from there. */
  freeze() {
    this.frozenAt = this.now().getTime();
  }
  resume() {
    if (this.frozenAt === undefined) return;
    this.offsetMs = this.frozenAt - Date.now();
    this.frozenAt = undefined;
  }
}

/** Passes every call to the simulated provider; a test can make the next calls fail in transit. */
export class FaultyProvider implements GpuProvider {
  readonly name: string;
  /** Calls of `getInstance` still to fail with a network error (an unknown outcome). */
  failGets = 0;
  constructor(readonly sim: SimulatedProvider) {
    this.name = sim.name;
  }
  createInstance(request: CreateInstanceRequest, call: ProviderCall) {
    return this.sim.createInstance(request, call);
  }
  async getInstance(id: string, call: ProviderRead) {
    if (this.failGets > 0) {
      this.failGets -= 1;
      throw new Error('ECONNRESET');
    }
    return this.sim.getInstance(id, call);
  }
  terminateInstance(id: string, call: ProviderCall) {
    return this.sim.terminateInstance(id, call);
  }
  listInstances(filter: InstanceFilter, call: ProviderRead) {
    return this.sim.listInstances(filter, call);
  }
}

export const PROVISIONING_EVENTS = [
  'gpuaas.provisioning.active',
  'gpuaas.provisioning.failed',
  'gpuaas.provisioning.releasing.completed',
  'gpuaas.provisioning.release_failed',
  'platform.billing.usage.metered',
] as const;
type Tapped = (typeof PROVISIONING_EVENTS)[number];

export interface WorkerHarnessOptions {
  env?: Record<string, string>;
  sim?: Partial<SimulatedProviderOptions>;
  wire?: WireOptions;
}

/** One worker on its own project: real push subscriptions, taps on what it emits, a test clock. */
export class WorkerHarness {
  private constructor(
    readonly bus: TestBus,
    readonly served: ServedService,
    readonly sim: SimulatedProvider,
    readonly provider: FaultyProvider,
    readonly clock: TestClock,
    readonly config: WorkerConfig,
    readonly taps: Record<Tapped, TopicTap>,
  ) {}

  static async start(options: WorkerHarnessOptions = {}): Promise<WorkerHarness> {
    const bus = await TestBus.start('worker');
    const config = loadWorkerConfig({
      SERVICE_NAME: 'provisioning-worker',
      GCP_PROJECT_ID: bus.projectId,
      PUSH_AUTH: 'off',
      PORT: '0',
      ACK_DEADLINE_SECONDS: '10',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      OPERATOR_AUTH: 'off',
      PROVISION_POLL_MS: '20',
      ...options.env,
    });
    const clock = new TestClock();
    const sim = new SimulatedProvider({
      ...config.simulated,
      bootLatencyMs: [40, 120],
      callLatencyMs: [0, 3],
      now: clock.now,
      ...options.sim,
    });
    const provider = new FaultyProvider(sim);
    const taps = {} as Record<Tapped, TopicTap>;
    for (const topic of PROVISIONING_EVENTS) taps[topic] = await bus.tap(topic);
    // Balances come from the real ledger on the same project (the default).
    const served = await bus.serve(
      provisioningWorkerService(config, { provider, now: clock.now }),
      options.wire,
    );
    return new WorkerHarness(bus, served, sim, provider, clock, config, taps);
  }

  get firestore() {
    return this.bus.firestore;
  }

  /** Credits the user's balance in the ledger, as a payment or an operator grant would. */
  async credit(userId: string, amountMicros: number, currency = 'USD') {
    const ledger = createLedger({ firestore: this.firestore });
    await this.firestore.runTransaction((tx) =>
      ledger.post(tx, {
        transaction_id: `grant-${randomUUID()}`,
        kind: 'manual_credit',
        posted_at: new Date().toISOString(),
        postings: [
          { account: 'credit_grants', direction: 'debit', amount_micros: amountMicros, currency },
          {
            account: `customer_credit:${userId}`,
            direction: 'credit',
            amount_micros: amountMicros,
            currency,
          },
        ],
      }),
    );
  }

  publish<T extends EventType>(eventType: T, payload: PayloadOf<T>) {
    return this.bus.publish(eventType, payload);
  }

  async task(name: string): Promise<Record<string, unknown>> {
    const res = await this.served.service.app.request(`/tasks/${name}`, { method: 'POST' });
    expect(res.status, `task ${name}`).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  }

  allocation(id: string): Promise<Allocation | undefined> {
    return getAllocation(this.firestore, id);
  }

  async waitForStatus(id: string, status: Allocation['status'], timeout = 15_000) {
    await expect
      .poll(async () => (await this.allocation(id))?.status, { timeout, interval: 50 })
      .toBe(status);
    return (await this.allocation(id)) as Allocation;
  }

  /** Payloads on a tapped topic about one allocation. */
  events<T extends Tapped>(topic: T, allocationId: string): PayloadOf<T>[] {
    return this.taps[topic]
      .where((m) => {
        const p = m.json?.payload as Record<string, unknown> | undefined;
        return p?.allocation_id === allocationId || p?.resource_id === allocationId;
      })
      .map((m) => m.json?.payload as PayloadOf<T>);
  }

  async waitForEvent<T extends Tapped>(topic: T, allocationId: string, timeout = 15_000) {
    await this.taps[topic].waitFor((m) => {
      const p = m.json?.payload as Record<string, unknown> | undefined;
      return p?.allocation_id === allocationId || p?.resource_id === allocationId;
    }, timeout);
    return this.events(topic, allocationId)[0] as PayloadOf<T>;
  }

  /** Deliveries of one event type so far, by outcome. */
  deliveries(eventType: EventType): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [key, count] of Object.entries(this.served.service.metrics.snapshot())) {
      const [subscription = '', outcome = ''] = key.split('|');
      if (!subscription.endsWith(`${eventType}.provisioning-worker`)) continue;
      counts[outcome] = (counts[outcome] ?? 0) + count;
    }
    return counts;
  }

  instancesOf(allocationId: string) {
    return this.sim.allInstances().filter((i) => i.allocationId === allocationId);
  }

  requested(overrides: Partial<ProvisioningRequested> = {}): ProvisioningRequested {
    return {
      allocation_id: `alloc_${randomUUID().slice(0, 12)}`,
      user_id: 'user-a',
      gpu_type: 'h100',
      gpu_count: 2,
      price_id: 'price_h100_v1',
      rate_micros_per_gpu_hour: 2_990_000,
      currency: 'USD',
      billing_increment_seconds: 1,
      provisioning_timeout_seconds: 600,
      requested_at: canonicalTimestamp(this.clock.now().toISOString()),
      ...overrides,
    };
  }

  close() {
    return this.bus.close();
  }
}
