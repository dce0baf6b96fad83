import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PubSub } from '@google-cloud/pubsub';

/** One figure of `pnpm bench`, with the baseline measured beside it in the same run. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  baseline: { name: string; value: number };
  /** value / baseline: what the figure is, as a share (or multiple) of its baseline. */
  ratio: number;
  /** Whether more is better (throughput) or less (latency). */
  better: 'higher' | 'lower';
}

export const figure = (
  name: string,
  value: number,
  unit: string,
  baseline: { name: string; value: number },
  better: 'higher' | 'lower' = 'higher',
): BenchFigure => ({
  name,
  value,
  unit,
  baseline,
  ratio: baseline.value === 0 ? 0 : value / baseline.value,
  better,
});

export function repoRoot(from = process.cwd()): string {
  let dir = from;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) return from;
    dir = parent;
  }
  return dir;
}

/** Where benches leave their figures (`<repo>/.bench`, or `BENCH_RESULTS_DIR`). */
export const benchRecordsDir = (): string =>
  process.env.BENCH_RESULTS_DIR ?? join(repoRoot(), '.bench');

/** Keeps a bench's figures where `pnpm bench` gathers them into `bench-results.json`. */
export function recordBenchFigures(bench: string, figures: BenchFigure[]): void {
  const dir = benchRecordsDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${bench}.json`),
    `${JSON.stringify({ bench, measured_at: new Date().toISOString(), figures }, null, 2)}\n`,
  );
}

export interface PushFigures {
  count: number;
  perSecond: number;
  p50: number;
  p99: number;
}

export function quantiles(latencies: number[]): { p50: number; p99: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least q of the values at or below it.
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
}

/**
 * The bare emulator: `count` messages published `width` at a time to a topic whose push
 * subscription goes to an endpoint that only answers 204. Publish-to-arrival latency and rate.
 */
export async function noopPushBaseline(
  pubsub: PubSub,
  options: { count: number; width: number; name?: string },
): Promise<PushFigures> {
  const { count, width } = options;
  const arrived = new Map<string, number>();
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as {
        message: { attributes: Record<string, string> };
      };
      const id = body.message.attributes.bench_id ?? '';
      if (!arrived.has(id)) arrived.set(id, performance.now());
      if (arrived.size >= count) done();
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const topicName = options.name ?? `bench.noop.${width}.${port}`;
  const [topic] = await pubsub.topic(topicName).get({ autoCreate: true });
  await topic.createSubscription(`${topicName}.push`, {
    pushConfig: { pushEndpoint: `http://127.0.0.1:${port}/noop` },
    ackDeadlineSeconds: 30,
  });
  const sent = new Map<string, number>();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const id = String(next++);
        sent.set(id, performance.now());
        await topic.publishMessage({ data: Buffer.from('{}'), attributes: { bench_id: id } });
        if (width === 1) while (!arrived.has(id)) await new Promise((r) => setTimeout(r, 1));
      }
    }),
  );
  await all;
  const latencies = [...arrived].map(([id, t]) => t - (sent.get(id) ?? t));
  const seconds = (Math.max(...arrived.values()) - started) / 1000;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    count: latencies.length,
    perSecond: latencies.length / seconds,
    ...quantiles(latencies),
  };
}
