// The whole pipeline under load: allocation lifecycles through every app (request → active →
// metered → charged → released → notified) and the latency from an event's commit to each
// catalog consumer having handled it, beside the bare emulator pushing to a no-op endpoint in the
// same run. Every app runs in this one process on the emulators, as the end-to-end suite runs them.
import { DEDUPE_COLLECTION } from '@gpuaas/eventing';
import { createLedger } from '@gpuaas/ledger';
import { paidCheckout } from '@gpuaas/platform';
import {
  acquireSharedEmulators,
  figure,
  noopPushBaseline,
  quantiles,
  recordBenchFigures,
} from '@gpuaas/testkit';
import type { ApiInit, PlatformUnderTest } from '../support/platform';

const LANES = Number(process.env.BENCH_PIPELINE_LANES ?? 16);
const PER_LANE = Number(process.env.BENCH_PIPELINE_PER_LANE ?? 3);
const TOP_UP_CENTS = 5_000;
const POLL_MS = 200;
const STEP_TIMEOUT_MS = 120_000;
// The stored collections the lifecycle is observed in (billing's rated usage, the relay's store).
const USAGE_LINES = 'billing_usage_lines';
const NOTIFICATIONS = 'notifications';

let retried = 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${STEP_TIMEOUT_MS / 1000} s`);
    await sleep(POLL_MS);
  }
}

interface Lifecycle {
  allocationId: string;
  requestedAt: number;
  /**
   * When the lane saw each stage, on its own clock (polled every POLL_MS): one clock for every
   * stage, so no stage is measured between two clocks or comes out negative.
   */
  stages: Record<'active' | 'charged' | 'released', number>;
  /** When the lane saw the relay's record of the release notification: the last write. */
  notifiedAt: number;
}

/** A client's call: a 503 (busy storage) is retried after its Retry-After, as clients should. */
async function api(
  platform: PlatformUnderTest,
  path: string,
  key: string,
  init: ApiInit = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  for (let attempt = 1; ; attempt += 1) {
    const res = await platform.api(path, key, init);
    if (res.status !== 503 || attempt === 5) return { status: res.status, body: res.body ?? {} };
    retried += 1;
    await sleep(Number(res.retryAfter ?? 1) * 1000);
  }
}

/** One user's allocations, one after another, each through its whole lifecycle. */
async function lane(platform: PlatformUnderTest, count: number): Promise<Lifecycle[]> {
  const { firestore } = platform.bus;
  const { userId, apiKey } = await platform.user();
  const topUp = await platform.stripeWebhook(paidCheckout(userId, TOP_UP_CENTS));
  if (topUp.status !== 200)
    throw new Error(`top-up answered ${topUp.status}: ${await topUp.text()}`);
  const ledger = createLedger({ firestore });
  await until('credit', async () =>
    (await ledger.userBalance(userId, 'USD')) > 0 ? true : undefined,
  );
  const status = async (id: string, wanted: string) =>
    (await api(platform, `/v1/allocations/${id}`, apiKey)).body.status === wanted
      ? Date.now()
      : undefined;

  const lifecycles: Lifecycle[] = [];
  for (let i = 0; i < count; i += 1) {
    const requestedAt = Date.now();
    const made = await api(platform, '/v1/allocations', apiKey, {
      method: 'POST',
      headers: { 'idempotency-key': `${userId}-${i}` },
      body: JSON.stringify({ gpu_type: 'h100', gpu_count: 1 }),
    });
    if (made.status !== 202) throw new Error(`POST answered ${made.status}`);
    const id = made.body.allocation_id as string;
    const active = await until(`${id} active`, () => status(id, 'active'));
    // Metered by the scheduler's tick, rated and posted to the ledger by billing.
    const charged = await until(`${id} charged`, async () => {
      const lines = await firestore
        .collection(USAGE_LINES)
        .where('allocation_id', '==', id)
        .where('status', '==', 'charged')
        .limit(1)
        .get();
      return lines.empty ? undefined : Date.now();
    });
    const release = await api(platform, `/v1/allocations/${id}/release`, apiKey, {
      method: 'POST',
    });
    if (release.status !== 202) throw new Error(`release answered ${release.status}`);
    const released = await until(`${id} released`, () => status(id, 'released'));
    const notifiedAt = await until(`${id} notified`, async () => {
      const notes = await firestore
        .collection(NOTIFICATIONS)
        .where('correlation_id', '==', id)
        .where('event_type', '==', 'gpuaas.provisioning.releasing.completed')
        .limit(1)
        .get();
      return notes.empty ? undefined : Date.now();
    });
    lifecycles.push({
      allocationId: id,
      requestedAt,
      stages: { active, charged, released },
      notifiedAt,
    });
  }
  return lifecycles;
}

/** Commit of each event in its producer's outbox → each consumer's dedupe record completed. */
async function commitToHandled(platform: PlatformUnderTest, since: number) {
  const { firestore } = platform.bus;
  const millis = (value: unknown) => (value as { toMillis(): number } | null)?.toMillis();
  const [outbox, records] = await Promise.all([
    firestore.collection('outbox').get(),
    firestore.collection(DEDUPE_COLLECTION).where('state', '==', 'completed').get(),
  ]);
  const committed = new Map<string, number>();
  for (const doc of outbox.docs) {
    const at = millis(doc.get('created_at'));
    const eventId = (doc.get('attributes') as Record<string, string>).event_id;
    if (at !== undefined && at >= since && eventId) committed.set(eventId, at);
  }
  const latencies: number[] = [];
  let last = since;
  for (const doc of records.docs) {
    const at = committed.get(doc.get('event_id') as string);
    const done = millis(doc.get('completed_at'));
    if (at === undefined || done === undefined) continue;
    latencies.push(done - at);
    last = Math.max(last, done);
  }
  return { count: latencies.length, seconds: (last - since) / 1000, ...quantiles(latencies) };
}

const pad = (text: string, width: number) => text.padEnd(width);
const num = (value: number, digits = 1) => value.toFixed(digits).padStart(8);

async function main() {
  const emulators = await acquireSharedEmulators();
  process.env.PUBSUB_EMULATOR_HOST = emulators.pubsubHost;
  process.env.FIRESTORE_EMULATOR_HOST = emulators.firestoreHost;
  // After the hosts are known: the apps' clients read them when they are built.
  const { startPlatformUnderTest } = await import('../support/platform');
  const platform = await startPlatformUnderTest();
  // Cloud Scheduler's metering, compressed to a tick a second (the h100 is metered by the
  // second); like Cloud Scheduler's, a tick does not start while the last one still runs.
  let metering = true;
  const meter = (async () => {
    while (metering) {
      await platform.tick('provisioning-worker', 'meter').catch(() => undefined);
      await sleep(1_000);
    }
  })();
  try {
    const base = await noopPushBaseline(platform.bus.pubsub, {
      count: 50 * LANES,
      width: LANES,
    });
    await lane(platform, 1); // warm-up: every app's first delivery, compiled and connected
    const lanes = await Promise.all(Array.from({ length: LANES }, () => lane(platform, PER_LANE)));
    const lifecycles = lanes.flat();
    // From the first request: a lane's user and top-up are set-up, not lifecycles.
    const since = Math.min(...lifecycles.map((l) => l.requestedAt));
    const finished = Math.max(...lifecycles.map((l) => l.notifiedAt));
    const seconds = (finished - since) / 1000;
    const perSecond = lifecycles.length / seconds;
    const whole = quantiles(lifecycles.map((l) => l.notifiedAt - l.requestedAt));
    const stage = (from: (l: Lifecycle) => number, to: (l: Lifecycle) => number) =>
      quantiles(lifecycles.map((l) => to(l) - from(l)));
    const stages = {
      'request → active': stage(
        (l) => l.requestedAt,
        (l) => l.stages.active,
      ),
      'active → charged (metered each second)': stage(
        (l) => l.stages.active,
        (l) => l.stages.charged,
      ),
      'charged → released': stage(
        (l) => l.stages.charged,
        (l) => l.stages.released,
      ),
      'released → notified': stage(
        (l) => l.stages.released,
        (l) => l.notifiedAt,
      ),
    };
    const handled = await commitToHandled(platform, since);
    const check = await createLedger({ firestore: platform.bus.firestore }).check();
    if (!check.ok) throw new Error(`ledger check failed: ${JSON.stringify(check.violations)}`);

    console.log(
      `\npipeline on the emulators: ${lifecycles.length} lifecycles, ${LANES} users at once, every app in one process`,
    );
    console.log(
      `  ${pad('bare push to a no-op endpoint', 46)} ${num(base.perSecond)} msg/s   p50 ${num(base.p50, 0)} ms   p99 ${num(base.p99, 0)} ms`,
    );
    console.log(
      `  ${pad('allocation lifecycles, request → notified', 46)} ${num(perSecond, 2)} /s      p50 ${num(whole.p50, 0)} ms   p99 ${num(whole.p99, 0)} ms`,
    );
    for (const [name, q] of Object.entries(stages)) {
      console.log(
        `    ${pad(name, 44)} ${' '.repeat(17)}p50 ${num(q.p50, 0)} ms   p99 ${num(q.p99, 0)} ms`,
      );
    }
    console.log(
      `  ${pad('deliveries handled, commit → consumer done', 46)} ${num(handled.count / handled.seconds)} /s     p50 ${num(handled.p50, 0)} ms   p99 ${num(handled.p99, 0)} ms   (${handled.count})`,
    );
    console.log(`  ledger check: ok; API calls retried after a 503: ${retried}`);
    // What stretches the tail: deliveries answered for a retry (contention, a lease held).
    const retries = new Map<string, number>();
    for (const service of Object.values(platform.services)) {
      for (const [key, count] of Object.entries(service.metrics.snapshot())) {
        const [subscription, outcome, reason] = key.split('|');
        if (outcome === 'processed' || outcome === 'duplicate' || outcome === 'skipped') continue;
        const label = `${subscription} ${outcome}${reason ? ` (${reason})` : ''}`;
        retries.set(label, (retries.get(label) ?? 0) + count);
      }
    }
    console.log(
      `  deliveries not processed at once: ${retries.size === 0 ? 'none' : [...retries].map(([k, n]) => `${k} ×${n}`).join(', ')}`,
    );

    const bare = (what: string, value: number) => ({
      name: `bare push to a no-op endpoint, ${what}`,
      value,
    });
    recordBenchFigures('pipeline', [
      figure(
        `allocation lifecycles/s, request → notified, ${LANES} users at once`,
        perSecond,
        '/s',
        bare('messages/s', base.perSecond),
      ),
      figure(
        'deliveries handled/s through every consumer under that load',
        handled.count / handled.seconds,
        '/s',
        bare('messages/s', base.perSecond),
      ),
      figure(
        'event committed → handled p50, under load',
        handled.p50,
        'ms',
        bare('p50', base.p50),
        'lower',
      ),
      figure(
        'event committed → handled p99, under load',
        handled.p99,
        'ms',
        bare('p99', base.p99),
        'lower',
      ),
    ]);
  } catch (error) {
    console.error(error);
    throw error;
  } finally {
    metering = false;
    await meter;
    await platform.close();
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
