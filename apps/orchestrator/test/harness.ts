import { randomUUID } from 'node:crypto';
import { type Allocation, getAllocation } from '@gpuaas/allocations';
import { type ServedService, TestBus, type TopicTap } from '@gpuaas/eventing/testing';
import { createLedger } from '@gpuaas/ledger';
import {
  loadWorkerConfig,
  provisioningWorkerService,
  SimulatedProvider,
} from '@gpuaas/provisioning-worker';
import { expect } from 'vitest';
import { loadOrchestratorConfig, type OrchestratorConfig } from '../src/config';
import { orchestratorService } from '../src/service';

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  contentType: string;
  headers: Headers;
}

export interface CallOptions {
  auth?: string;
  body?: unknown;
  /** Sent as is (not JSON-encoded). */
  raw?: string;
  headers?: Record<string, string>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Also serve the provisioning worker on the same bus (requests go all the way to active). */
  worker?: boolean;
}

const baseEnv = (projectId: string, service: string) => ({
  SERVICE_NAME: service,
  GCP_PROJECT_ID: projectId,
  PUSH_AUTH: 'off',
  PORT: '0',
  ACK_DEADLINE_SECONDS: '10',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  OPERATOR_AUTH: 'off',
});

/** The orchestrator (and, when asked, the worker) on one project with real push between them. */
export class Harness {
  private constructor(
    readonly bus: TestBus,
    readonly served: ServedService,
    readonly config: OrchestratorConfig,
    readonly requested: TopicTap,
    readonly releaseRequested: TopicTap,
    readonly sim: SimulatedProvider | undefined,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const bus = await TestBus.start('orchestrator');
    const config = loadOrchestratorConfig({
      ...baseEnv(bus.projectId, 'orchestrator'),
      ...options.env,
    });
    // Taps first: a topic without a subscription drops what is published to it.
    const requested = await bus.tap('gpuaas.provisioning.requested');
    const releaseRequested = await bus.tap('gpuaas.provisioning.releasing.requested');
    let sim: SimulatedProvider | undefined;
    if (options.worker) {
      const workerConfig = loadWorkerConfig({
        ...baseEnv(bus.projectId, 'provisioning-worker'),
        PROVISION_POLL_MS: '20',
      });
      sim = new SimulatedProvider({
        ...workerConfig.simulated,
        bootLatencyMs: [40, 120],
        callLatencyMs: [0, 3],
      });
      await bus.serve(provisioningWorkerService(workerConfig, { provider: sim }));
    }
    const served = await bus.serve(orchestratorService(config));
    return new Harness(bus, served, config, requested, releaseRequested, sim);
  }

  get firestore() {
    return this.bus.firestore;
  }

  async call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth) headers.authorization = `Bearer ${options.auth}`;
    let body: string | undefined = options.raw;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await this.served.service.app.request(path, { method, headers, body });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { text };
    }
    return {
      status: res.status,
      body: parsed,
      contentType: res.headers.get('content-type') ?? '',
      headers: res.headers,
    };
  }

  /** A user created through the operator API, with a key. */
  async user(): Promise<{ userId: string; apiKey: string; keyId: string }> {
    const res = await this.call('POST', '/v1/admin/users', {
      body: { user_id: `user-${randomUUID().slice(0, 8)}` },
    });
    expect(res.status).toBe(201);
    const { user_id, api_key, key_id } = res.body as Record<string, string>;
    return { userId: user_id as string, apiKey: api_key as string, keyId: key_id as string };
  }

  allocation(id: string): Promise<Allocation | undefined> {
    return getAllocation(this.firestore, id);
  }

  async waitForStatus(auth: string, id: string, status: string, timeout = 15_000) {
    await expect
      .poll(async () => (await this.call('GET', `/v1/allocations/${id}`, { auth })).body.status, {
        timeout,
        interval: 50,
      })
      .toBe(status);
    return (await this.call('GET', `/v1/allocations/${id}`, { auth })).body;
  }

  /** `requested` events seen for one allocation. */
  requestedOf(allocationId: string) {
    return this.requested.where((m) => m.json?.payload?.allocation_id === allocationId);
  }

  async credit(userId: string, amountMicros: number) {
    const ledger = createLedger({ firestore: this.firestore });
    await this.firestore.runTransaction((tx) =>
      ledger.post(tx, {
        transaction_id: `grant-${randomUUID()}`,
        kind: 'manual_credit',
        posted_at: new Date().toISOString(),
        postings: [
          {
            account: 'credit_grants',
            direction: 'debit',
            amount_micros: amountMicros,
            currency: 'USD',
          },
          {
            account: `customer_credit:${userId}`,
            direction: 'credit',
            amount_micros: amountMicros,
            currency: 'USD',
          },
        ],
      }),
    );
  }

  close() {
    return this.bus.close();
  }
}
