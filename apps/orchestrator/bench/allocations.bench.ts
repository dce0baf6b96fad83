// Allocations per second from `POST /v1/allocations` to `active` through real Pub/Sub push on
// the emulators (orchestrator + provisioning worker, simulated provider without latency), beside
// a baseline measured in the same run: a bare Pub/Sub push to a no-op endpoint.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ALLOCATIONS_COLLECTION, msOf } from '@gpuaas/allocations';
import { EVENT_TYPES } from '@gpuaas/contracts';
import { TestBus } from '@gpuaas/eventing/testing';
import {
  loadWorkerConfig,
  provisioningWorkerService,
  SimulatedProvider,
} from '@gpuaas/provisioning-worker';
import { acquireSharedEmulators } from '@gpuaas/testkit';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { loadOrchestratorConfig } from '../src/config';
import { orchestratorService } from '../src/service';

const COUNT = Number(process.env.BENCH_ALLOCATIONS ?? 200);
const CONCURRENCY = 16;
let outcomes: Record<string, number> = {};

interface Figures {
  name: string;
  count: number;
  perSecond: number;
  p50: number;
  p99: number;
}

function figures(name: string, latencies: number[], seconds: number): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    name,
    count: sorted.length,
    perSecond: sorted.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
  };
}

async function lanes(count: number, work: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

const env = (projectId: string, service: string) => ({
  SERVICE_NAME: service,
  GCP_PROJECT_ID: projectId,
  PUSH_AUTH: 'off',
  PORT: '0',
  ACK_DEADLINE_SECONDS: '30',
  LOG_LEVEL: 'silent',
  OPERATOR_AUTH: 'off',
});

/** Publish → push arrival at an endpoint that only answers 204. */
async function baseline(bus: TestBus): Promise<Figures> {
  const arrived = new Map<string, number>();
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const app = new Hono();
  app.post('/noop', async (c) => {
    const body = (await c.req.json()) as { message: { attributes: Record<string, string> } };
    const id = body.message.attributes.bench_id ?? '';
    if (!arrived.has(id)) arrived.set(id, performance.now());
    if (arrived.size >= COUNT) done();
    return c.body(null, 204);
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as { port: number }).port;
  const [topic] = await bus.pubsub.topic('bench.noop').get({ autoCreate: true });
  await topic.createSubscription('bench.noop.push', {
    pushConfig: { pushEndpoint: `http://127.0.0.1:${port}/noop` },
    ackDeadlineSeconds: 30,
  });
  const sent = new Map<string, number>();
  const started = performance.now();
  await lanes(COUNT, async (i) => {
    const id = String(i);
    sent.set(id, performance.now());
    await topic.publishMessage({ data: Buffer.from('{}'), attributes: { bench_id: id } });
  });
  await all;
  const latencies = [...arrived].map(([id, t]) => t - (sent.get(id) ?? t));
  const seconds = (Math.max(...arrived.values()) - started) / 1000;
  server.close();
  return figures('bare Pub/Sub push to a no-op endpoint', latencies, seconds);
}

async function allocations(bus: TestBus): Promise<Figures> {
  // Every topic of the catalog, as the derived bus has them (the worker publishes to `active`).
  await bus.createTopics(...EVENT_TYPES);
  const workerConfig = loadWorkerConfig({
    ...env(bus.projectId, 'provisioning-worker'),
    PROVISION_POLL_MS: '10',
    SIM_CAPACITY: 'h100@us-central1=1000000',
  });
  const sim = new SimulatedProvider({
    ...workerConfig.simulated,
    bootLatencyMs: [0, 0],
    callLatencyMs: [0, 0],
  });
  const worker = await bus.serve(provisioningWorkerService(workerConfig, { provider: sim }), {
    ackDeadlineSeconds: 30,
  });
  const served = await bus.serve(
    orchestratorService(loadOrchestratorConfig(env(bus.projectId, 'orchestrator'))),
    {
      ackDeadlineSeconds: 30,
    },
  );
  const app = served.service.app;
  const created = await app.request('/v1/admin/users', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user_id: `bench-${randomUUID().slice(0, 8)}` }),
  });
  const { api_key: apiKey } = (await created.json()) as { api_key: string };
  const post = async () => {
    const res = await app.request('/v1/allocations', {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ gpu_type: 'h100', gpu_count: 1 }),
    });
    if (res.status !== 202) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { allocation_id: string }).allocation_id;
  };
  for (let i = 0; i < 10; i++) await post(); // warm-up: clients, connections, JIT

  // Wall clock on both sides (same machine): POST start and the worker's commit of `active`.
  const posted = new Map<string, number>();
  const started = Date.now();
  await lanes(COUNT, async () => {
    const t0 = Date.now();
    posted.set(await post(), t0);
  });
  const collection = bus.firestore.collection(ALLOCATIONS_COLLECTION);
  const deadline = Date.now() + 300_000;
  for (;;) {
    const active = await collection.where('status', '==', 'active').count().get();
    if (active.data().count >= COUNT + 10) break;
    if (Date.now() > deadline) throw new Error(`only ${active.data().count} active in time`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // Retries or dead letters here would mean the figures measure something else.
  outcomes = worker.service.metrics.snapshot();
  const docs = await collection.where('status', '==', 'active').get();
  const latencies: number[] = [];
  let last = started;
  for (const doc of docs.docs) {
    const t0 = posted.get(doc.id);
    if (t0 === undefined) continue;
    const activeAt = msOf(doc.get('updated_at') as string);
    latencies.push(activeAt - t0);
    last = Math.max(last, activeAt);
  }
  return figures('POST /v1/allocations → active through push', latencies, (last - started) / 1000);
}

async function main() {
  const emulators = await acquireSharedEmulators();
  process.env.PUBSUB_EMULATOR_HOST = emulators.pubsubHost;
  process.env.FIRESTORE_EMULATOR_HOST = emulators.firestoreHost;
  const bus = await TestBus.start('bench-alloc');
  try {
    const base = await baseline(bus);
    const path = await allocations(bus);
    console.log(`\nallocations, ${COUNT} at concurrency ${CONCURRENCY} on the emulators (2 cores)`);
    for (const f of [base, path]) {
      console.log(
        `  ${f.name.padEnd(44)} ${f.perSecond.toFixed(1).padStart(8)} /s   p50 ${f.p50.toFixed(0).padStart(5)} ms   p99 ${f.p99.toFixed(0).padStart(5)} ms   (${f.count})`,
      );
    }
    console.log(`  worker deliveries: ${JSON.stringify(outcomes)}`);
    console.log(
      `  ratio: ${(path.perSecond / base.perSecond).toFixed(3)} of the baseline's throughput, p50 ${(path.p50 / base.p50).toFixed(1)}x its latency`,
    );
  } finally {
    await bus.close();
    await emulators.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
