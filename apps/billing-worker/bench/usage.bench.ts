// Rated usage events per second through real Pub/Sub push (emulators), with real dedupe, the
// ledger posting and the balance follow-up, beside the eventing consumer baseline: a trivial
// subscription of the same event on the same runtime, pushed the same way, in the same run.
import { performance } from 'node:perf_hooks';
import { type PayloadOf, usageEventId } from '@gpuaas/contracts';
import { createPublisher, defineSubscription, type Service } from '@gpuaas/eventing';
import { TestBus } from '@gpuaas/eventing/testing';
import { createLedger, customerCreditAccount, STRIPE_CLEARING_ACCOUNT } from '@gpuaas/ledger';
import { acquireSharedEmulators, figure, recordBenchFigures, waitFor } from '@gpuaas/testkit';
import { loadBillingConfig } from '../src/config';
import { billingWorkerService } from '../src/service';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 400);
const ALLOCATIONS = 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const EVENT = 'platform.billing.usage.metered';
const START = Date.parse('2026-06-01T00:00:00Z');

type Usage = PayloadOf<typeof EVENT>;

interface Side {
  name: string;
  bus: TestBus;
  service: Service;
  /** Before a round: whatever the side needs (windows, credits) for `round`'s allocations. */
  prepare(round: number): Promise<void>;
}

const allocation = (round: number, i: number) => ({
  allocation_id: `bench-r${round}-a${i}`,
  user_id: `bench-user-r${round}-${i}`,
});

function usages(round: number): Usage[] {
  return Array.from({ length: MESSAGES }, (_, n) => {
    const { allocation_id, user_id } = allocation(round, n % ALLOCATIONS);
    const minute = Math.floor(n / ALLOCATIONS);
    const start = new Date(START + minute * 60_000).toISOString();
    return {
      usage_event_id: usageEventId(allocation_id, start),
      user_id,
      product_code: 'gpu',
      resource_id: allocation_id,
      sku: 'h100',
      unit: 'gpu_second',
      quantity: 60,
      interval_start: start,
      interval_end: new Date(START + (minute + 1) * 60_000).toISOString(),
      is_final: false,
    };
  });
}

const acknowledged = (service: Service) =>
  Object.entries(service.metrics.snapshot())
    .filter(
      ([k]) =>
        k.startsWith(`${EVENT}.billing-worker|processed|`) ||
        k.startsWith(`${EVENT}.billing-worker|duplicate|`),
    )
    .reduce((n, [, c]) => n + c, 0);

const retries = (service: Service) =>
  Object.entries(service.metrics.snapshot())
    .filter(([k]) => k.split('|')[1] === 'retry')
    .reduce((n, [, c]) => n + c, 0);

async function run(side: Side, round: number): Promise<number> {
  await side.prepare(round);
  const before = acknowledged(side.service);
  const events = usages(round);
  // One batching publisher, as a producer has: the publish side must not be what is measured.
  const publisher = createPublisher({ pubsub: side.bus.pubsub, producer: 'bench' });
  const started = performance.now();
  await Promise.all(
    events.map((u, i) => publisher.publish(EVENT, u, { correlationId: `bench-${round}-${i}` })),
  );
  await waitFor(() => acknowledged(side.service) - before >= MESSAGES, {
    timeoutMs: 600_000,
    intervalMs: 20,
    message: `${side.name}: ${MESSAGES} deliveries`,
  });
  return MESSAGES / ((performance.now() - started) / 1000);
}

const env = (bus: TestBus) => ({
  SERVICE_NAME: 'billing-worker',
  GCP_PROJECT_ID: bus.projectId,
  PUSH_AUTH: 'off',
  OPERATOR_AUTH: 'off',
  PORT: '0',
  LOG_LEVEL: 'silent',
  ACK_DEADLINE_SECONDS: '30',
});

async function billingSide(): Promise<Side> {
  const bus = await TestBus.start('bench-billing');
  await bus.createTopics(
    'platform.billing.low_balance_warning',
    'platform.billing.auto_release_pending',
    'platform.billing.balance_depleted',
    'gpuaas.provisioning.force_release_requested',
  );
  const served = await bus.serve(billingWorkerService(loadBillingConfig(env(bus))));
  const ledger = createLedger({ firestore: bus.firestore });
  return {
    name: 'billing-worker rating',
    bus,
    service: served.service,
    async prepare(round) {
      // Each user credited well above the threshold, each window open before the usage comes.
      for (let i = 0; i < ALLOCATIONS; i++) {
        const a = allocation(round, i);
        await bus.firestore.runTransaction((tx) =>
          ledger.post(tx, {
            transaction_id: `bench-credit-${a.user_id}`,
            kind: 'credit',
            posted_at: new Date(START).toISOString(),
            source: { type: 'stripe_event', id: `evt_${a.user_id}` },
            postings: [
              {
                account: STRIPE_CLEARING_ACCOUNT,
                direction: 'debit',
                amount_micros: 1e12,
                currency: 'USD',
              },
              {
                account: customerCreditAccount(a.user_id),
                direction: 'credit',
                amount_micros: 1e12,
                currency: 'USD',
              },
            ],
          }),
        );
        await bus.publish('gpuaas.provisioning.active', {
          ...a,
          gpu_type: 'h100',
          gpu_count: 1,
          provider: 'sim',
          provider_instance_id: `i-${a.allocation_id}`,
          region: 'local',
          price_id: 'price_h100',
          rate_micros_per_gpu_hour: 3_600_000,
          currency: 'USD',
          started_at: new Date(START).toISOString(),
        });
      }
      await waitFor(
        async () =>
          (
            await bus.firestore
              .collection('billing_usage_windows')
              .where('state', '==', 'open')
              .where('allocation_id', '>=', `bench-r${round}-`)
              .where('allocation_id', '<', `bench-r${round}.`)
              .get()
          ).size === ALLOCATIONS,
        { timeoutMs: 60_000, intervalMs: 50, message: 'windows open' },
      );
    },
  };
}

async function baselineSide(): Promise<Side> {
  const bus = await TestBus.start('bench-baseline');
  const trivial = defineSubscription({ consumer: 'billing-worker', eventType: EVENT, handle() {} });
  await bus.createTopics(EVENT);
  const served = await bus.serve({
    config: bus.config('bench-baseline', { ACK_DEADLINE_SECONDS: '30' }),
    subscriptions: [trivial],
  });
  return {
    name: 'eventing baseline (trivial handler)',
    bus,
    service: served.service,
    prepare: async () => {},
  };
}

async function main() {
  const emulators = await acquireSharedEmulators();
  process.env.PUBSUB_EMULATOR_HOST = emulators.pubsubHost;
  process.env.FIRESTORE_EMULATOR_HOST = emulators.firestoreHost;
  const sides = [await baselineSide(), await billingSide()];
  try {
    const rates: Record<string, number[]> = {};
    for (let round = 0; round < ROUNDS; round++) {
      // Rounds alternate which side goes first, so neither profits from a warmer emulator.
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) {
        const rate = await run(side, round);
        rates[side.name] = [...(rates[side.name] ?? []), rate];
        console.log(`round ${round + 1}: ${side.name}: ${rate.toFixed(1)} events/s`);
      }
    }
    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const m = Math.floor(s.length / 2);
      return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
    };
    const [baseline, billing] = sides.map((s) => median(rates[s.name] ?? [])) as [number, number];
    console.log(
      `\nusage rating through push: ${ROUNDS} rounds of ${MESSAGES} events over ${ALLOCATIONS} users, Pub/Sub and Firestore emulators`,
    );
    console.log(
      `  eventing baseline (trivial subscription): ${baseline.toFixed(1)} events/s (median)`,
    );
    console.log(
      `  billing-worker rated usage:               ${billing.toFixed(1)} events/s (median)`,
    );
    console.log(`  ratio rated / baseline: ${(billing / baseline).toFixed(2)}`);
    recordBenchFigures('billing-usage', [
      figure('billing: usage events rated and posted/s (median round)', billing, '/s', {
        name: 'eventing consumer with a trivial handler, events/s',
        value: baseline,
      }),
    ]);
    console.log(
      `  retries: baseline ${retries(sides[0]?.service as Service)}, billing ${retries(sides[1]?.service as Service)}`,
    );
  } finally {
    for (const side of sides) await side.bus.close();
    await emulators.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
