// Consumer throughput and latency at concurrency 32 on the real emulators, beside a baseline:
// a minimal hand-written Hono handler doing one Firestore transaction per message.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Firestore } from '@google-cloud/firestore';
import { examples } from '@gpuaas/contracts';
import {
  acquireSharedEmulators,
  figure,
  firestoreClient,
  pubsubClient,
  quantiles,
  recordBenchFigures,
  uniqueProjectId,
} from '@gpuaas/testkit';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { encodeEvent } from '../src/publisher';
import { createService } from '../src/service/service';
import { defineSubscription } from '../src/subscription';
import { startTracing } from '../src/tracing/start-tracing';

const CONCURRENCY = 32;
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1000);
const ROUNDS = 3;
const EVENT = 'gpuaas.provisioning.requested';

interface Figures {
  name: string;
  perSecond: number;
  p50: number;
  p99: number;
  roundTrips: number;
}

/** Counts Firestore RPCs by wrapping the client's internal request paths (bench-only). */
function countRpcs(firestore: Firestore): () => number {
  let count = 0;
  const target = firestore as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of ['request', 'requestStream']) {
    const original = target[method]?.bind(firestore);
    if (!original) throw new Error(`Firestore client has no ${method}; update the RPC counter`);
    target[method] = (...args: unknown[]) => {
      count += 1;
      return original(...args);
    };
  }
  return () => count;
}

function pushBodies(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const message = encodeEvent(
      EVENT,
      { ...examples[EVENT], allocation_id: `alloc-${randomUUID()}` },
      'orchestrator',
      { correlationId: `bench-${i}` },
    );
    return JSON.stringify({
      message: {
        data: message.data.toString('base64'),
        attributes: message.attributes,
        messageId: String(i),
      },
      subscription: `projects/bench/subscriptions/${EVENT}.provisioning-worker`,
    });
  });
}

/** One timed pass: raw figures, combined across rounds by `summarise`. */
interface Sample {
  seconds: number;
  latencies: number[];
  rpcs: number;
}

async function drive(name: string, fetchPort: number, rpcCount: () => number): Promise<Sample> {
  const bodies = pushBodies(MESSAGES);
  const warm = pushBodies(50);
  const send = async (body: string) => {
    const res = await fetch(`http://127.0.0.1:${fetchPort}/push/${EVENT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    if (res.status !== 204)
      throw new Error(`${name}: unexpected ${res.status} ${await res.text()}`);
  };
  for (const body of warm) await send(body);
  const rpcsBefore = rpcCount();
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++] as string;
        const t0 = performance.now();
        await send(body);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return {
    seconds: (performance.now() - started) / 1000,
    latencies,
    rpcs: rpcCount() - rpcsBefore,
  };
}

function summarise(name: string, samples: Sample[]): Figures {
  const latencies = samples.flatMap((sample) => sample.latencies);
  const seconds = samples.reduce((sum, sample) => sum + sample.seconds, 0);
  const rpcs = samples.reduce((sum, sample) => sum + sample.rpcs, 0);
  return {
    name,
    perSecond: latencies.length / seconds,
    ...quantiles(latencies),
    roundTrips: rpcs / latencies.length,
  };
}

function listen(fetch: Hono['fetch']): Promise<{ port: number; close: () => void }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ port: info.port, close: () => server.close() }),
    );
  });
}

async function main() {
  const emulators = await acquireSharedEmulators();
  process.env.PUBSUB_EMULATOR_HOST = emulators.pubsubHost;
  process.env.FIRESTORE_EMULATOR_HOST = emulators.firestoreHost;
  try {
    const projectId = uniqueProjectId('bench');
    const pubsub = pubsubClient(projectId);
    await pubsub.topic('provisioning-worker.dlq').get({ autoCreate: true });

    // Baseline: hand-written dedupe in one transaction, no envelope or schema validation.
    const baseFirestore = firestoreClient(projectId);
    const baseRpcs = countRpcs(baseFirestore);
    const baseline = new Hono();
    baseline.post(`/push/${EVENT}`, async (c) => {
      const body = (await c.req.json()) as { message: { data: string } };
      const envelope = JSON.parse(Buffer.from(body.message.data, 'base64').toString());
      const ref = baseFirestore.collection('baseline_dedupe').doc(envelope.payload.allocation_id);
      await baseFirestore.runTransaction(async (tx) => {
        const snap = await tx.get(ref);
        if (!snap.exists) tx.set(ref, { done: true });
      });
      return c.body(null, 204);
    });

    // The eventing runtime: push decode, contracts, dedupe record, handler transaction.
    const firestore = firestoreClient(projectId);
    const rpcs = countRpcs(firestore);
    const subscription = defineSubscription({
      consumer: 'provisioning-worker',
      eventType: EVENT,
      handle() {},
    });
    const { app } = createService({
      config: loadConfig({
        SERVICE_NAME: 'bench',
        GCP_PROJECT_ID: projectId,
        PUSH_AUTH: 'off',
        LOG_LEVEL: 'silent',
      }),
      subscriptions: [subscription],
      firestore,
      pubsub,
      logger: pino({ level: 'silent' }),
    });

    const baseServer = await listen(baseline.fetch);
    const appServer = await listen(app.fetch);
    // Rounds alternate which side goes first, so neither profits from a warmer emulator.
    const baseSamples: Sample[] = [];
    const ourSamples: Sample[] = [];
    const tracedSamples: Sample[] = [];
    // Tracing on: a registered provider recording every span, exported to nowhere.
    const traced = async () => {
      const tracing = await startTracing({
        service: 'bench',
        projectId,
        mode: 'cloud',
        exporter: { export: (_spans, done) => done({ code: 0 }), shutdown: async () => undefined },
      });
      try {
        tracedSamples.push(await drive('eventing traced', appServer.port, rpcs));
      } finally {
        await tracing.shutdown();
      }
    };
    for (let round = 0; round < ROUNDS; round++) {
      const runs = [
        async () => baseSamples.push(await drive('baseline', baseServer.port, baseRpcs)),
        async () => ourSamples.push(await drive('eventing', appServer.port, rpcs)),
        traced,
      ];
      // Each round rotates which side goes first.
      for (let i = 0; i < runs.length; i++)
        await (runs[(i + round) % runs.length] as () => Promise<unknown>)();
    }
    const results = [
      summarise('baseline (hand-written, 1 transaction)', baseSamples),
      summarise('@gpuaas/eventing consumer', ourSamples),
      summarise('@gpuaas/eventing consumer, traced', tracedSamples),
    ];
    baseServer.close();
    appServer.close();

    console.log(
      `\nconsumer benchmark: ${ROUNDS} rounds of ${MESSAGES} new events each, concurrency ${CONCURRENCY}, Firestore emulator\n`,
    );
    console.log(
      [
        'name'.padEnd(40),
        'msg/s'.padStart(8),
        'p50 ms'.padStart(8),
        'p99 ms'.padStart(8),
        'RPCs/event'.padStart(11),
      ].join(' '),
    );
    for (const r of results) {
      console.log(
        [
          r.name.padEnd(40),
          r.perSecond.toFixed(0).padStart(8),
          r.p50.toFixed(1).padStart(8),
          r.p99.toFixed(1).padStart(8),
          r.roundTrips.toFixed(2).padStart(11),
        ].join(' '),
      );
    }
    const [base, ours, withTracing] = results as [Figures, Figures, Figures];
    const ratio = ours.perSecond / base.perSecond;
    console.log(
      `\nthroughput vs baseline: ${ratio.toFixed(2)}x (target >= 0.80x) ${ratio >= 0.8 ? 'MET' : 'MISSED'}`,
    );
    console.log(
      `p99 latency: ${ours.p99.toFixed(0)} ms (target < 1000 ms) ${ours.p99 < 1000 ? 'MET' : 'MISSED'}`,
    );
    console.log(
      `tracing on vs off: ${(withTracing.perSecond / ours.perSecond).toFixed(2)}x throughput, p99 ${withTracing.p99.toFixed(0)} vs ${ours.p99.toFixed(0)} ms`,
    );
    recordBenchFigures('eventing-consumer', [
      figure(`consumer events/s at concurrency ${CONCURRENCY}`, ours.perSecond, '/s', {
        name: 'hand-written push handler, one transaction per event, events/s',
        value: base.perSecond,
      }),
      figure(
        'consumer p99',
        ours.p99,
        'ms',
        { name: 'hand-written push handler p99', value: base.p99 },
        'lower',
      ),
      figure('consumer events/s with tracing on', withTracing.perSecond, '/s', {
        name: 'the same consumer with tracing off, events/s',
        value: ours.perSecond,
      }),
      figure(
        'consumer Firestore RPCs per new event',
        ours.roundTrips,
        'RPCs',
        { name: 'hand-written one-transaction handler, RPCs per event', value: base.roundTrips },
        'lower',
      ),
    ]);
    await pubsub.close();
    await firestore.terminate();
    await baseFirestore.terminate();
  } finally {
    await emulators.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
