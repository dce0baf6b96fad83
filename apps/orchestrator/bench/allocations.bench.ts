// Allocations per second from `POST /v1/allocations` to `active` through real Pub/Sub push on
// the emulators (orchestrator + provisioning worker, simulated provider without latency), beside
// a baseline measured in the same run: a bare Pub/Sub push to a no-op endpoint.
import { randomUUID } from 'node:crypto';
import { ALLOCATIONS_COLLECTION, msOf } from '@gpuaas/allocations';
import { EVENT_TYPES } from '@gpuaas/contracts';
import { TestBus } from '@gpuaas/eventing/testing';
import {
  loadWorkerConfig,
  provisioningWorkerService,
  SimulatedProvider,
} from '@gpuaas/provisioning-worker';
import {
  acquireSharedEmulators,
  figure,
  noopPushBaseline,
  quantiles,
  recordBenchFigures,
} from '@gpuaas/testkit';
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
  return {
    name,
    count: latencies.length,
    perSecond: latencies.length / seconds,
    ...quantiles(latencies),
  };
}

async function lanes(count: number, work: (i: number) => Promise<void>, width = CONCURRENCY) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
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
async function baseline(
  bus: TestBus,
  name: string,
  count: number,
  width: number,
): Promise<Figures> {
  return { name, ...(await noopPushBaseline(bus.pubsub, { count, width })) };
}

/** The orchestrator and the worker on one bus; `run` measures a batch of POSTs to active. */
async function allocationPath(bus: TestBus) {
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
    { ackDeadlineSeconds: 30 },
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
  const collection = bus.firestore.collection(ALLOCATIONS_COLLECTION);
  let expected = 0;

  const run = async (name: string, count: number, width: number): Promise<Figures> => {
    // Wall clock on both sides (same machine): POST start and the worker's commit of `active`.
    const posted = new Map<string, number>();
    const started = Date.now();
    const one = async () => {
      const t0 = Date.now();
      const id = await post();
      posted.set(id, t0);
      if (width === 1) await until(expected + posted.size);
    };
    await lanes(count, one, width);
    expected += count;
    await until(expected);
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
    return figures(name, latencies, (last - started) / 1000);
  };
  const until = async (count: number) => {
    const deadline = Date.now() + 300_000;
    for (;;) {
      const active = await collection.where('status', '==', 'active').count().get();
      if (active.data().count >= count) return;
      if (Date.now() > deadline) throw new Error(`only ${active.data().count} active in time`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  await run('warm-up', 10, 1);
  return {
    run,
    // Retries or dead letters here would mean the figures measure something else.
    outcomes: () => worker.service.metrics.snapshot(),
  };
}

async function main() {
  const emulators = await acquireSharedEmulators();
  process.env.PUBSUB_EMULATOR_HOST = emulators.pubsubHost;
  process.env.FIRESTORE_EMULATOR_HOST = emulators.firestoreHost;
  const bus = await TestBus.start('bench-alloc');
  try {
    const baseSingle = await baseline(bus, 'one at a time: bare push to a no-op endpoint', 20, 1);
    const base = await baseline(
      bus,
      `concurrency ${CONCURRENCY}: bare push to a no-op endpoint`,
      COUNT,
      CONCURRENCY,
    );
    const allocations = await allocationPath(bus);
    const single = await allocations.run('one at a time: POST → active', 20, 1);
    const path = await allocations.run(
      `concurrency ${CONCURRENCY}: POST → active through push`,
      COUNT,
      CONCURRENCY,
    );
    outcomes = allocations.outcomes();
    console.log(`\nallocations on the emulators (2 cores), ${COUNT} at concurrency ${CONCURRENCY}`);
    for (const f of [baseSingle, single, base, path]) {
      console.log(
        `  ${f.name.padEnd(52)} ${f.perSecond.toFixed(1).padStart(8)} /s   p50 ${f.p50.toFixed(0).padStart(5)} ms   p99 ${f.p99.toFixed(0).padStart(5)} ms   (${f.count})`,
      );
    }
    console.log(`  worker deliveries: ${JSON.stringify(outcomes)}`);
    recordBenchFigures('orchestrator-allocations', [
      figure(`POST → active, allocations/s at concurrency ${CONCURRENCY}`, path.perSecond, '/s', {
        name: 'bare push to a no-op endpoint, messages/s',
        value: base.perSecond,
      }),
      figure(
        'POST → active p50, one at a time',
        single.p50,
        'ms',
        { name: 'bare push p50, one at a time', value: baseSingle.p50 },
        'lower',
      ),
    ]);
    console.log(
      `  ratio: ${(path.perSecond / base.perSecond).toFixed(3)} of the baseline's throughput at concurrency ${CONCURRENCY}; one at a time, p50 ${(single.p50 / baseSingle.p50).toFixed(1)}x the bare push's`,
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
