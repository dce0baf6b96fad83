// The reliability suite's workload and its bookkeeping: allocation lifecycles through every app,
// then what was published, applied, absorbed, dead-lettered, lost and applied twice.
import { mkdirSync, writeFileSync } from 'node:fs';
import { catalog, isEventType } from '@gpuaas/contracts';
import { DEDUPE_COLLECTION } from '@gpuaas/eventing';
import { createLedger } from '@gpuaas/ledger';
import { paidCheckout } from '@gpuaas/platform';
import type { PlatformUnderTest } from '../support/platform';

export interface Lifecycle {
  userId: string;
  apiKey: string;
  allocationId?: string;
  /** Where the lifecycle stopped, when it did not reach `released`. */
  stuck?: string;
}

const TOP_UP_CENTS = 5_000; // $50: no balance event interferes with the lifecycle

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries what a client retries (a 5xx, a refused connection) with the same idempotency key. */
async function persistently<T>(
  what: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    try {
      last = await what();
      if (ok(last)) return last;
    } catch {
      // The app is restarting: try again.
    }
    await sleep(300);
  }
  return last;
}

export interface WorkloadOptions {
  users: number;
  /** Stripe sends the top-up webhook this many times at once. */
  webhookCopies?: number;
  /** Called once every credit is in, before any allocation is requested. */
  beforeRequests?: () => Promise<void>;
  /** Called once every allocation is requested: the moment to break something. */
  midFlight?: () => Promise<void>;
  timeoutMs?: number;
}

/** Each user: a top-up, one allocation requested, active, metered, released; all users at once. */
export async function runLifecycles(
  platform: PlatformUnderTest,
  options: WorkloadOptions,
): Promise<Lifecycle[]> {
  const timeoutMs = options.timeoutMs ?? 180_000;
  // Cloud Scheduler's outbox sweeps, compressed: what a failed publish after commit waits for.
  const sweeper = setInterval(() => {
    for (const url of Object.values(platform.urls)) {
      fetch(`${url}/tasks/outbox-sweep`, { method: 'POST' }).catch(() => undefined);
    }
  }, 2_000);
  try {
    return await lifecyclesOf(platform, options, timeoutMs);
  } finally {
    clearInterval(sweeper);
  }
}

async function lifecyclesOf(
  platform: PlatformUnderTest,
  options: WorkloadOptions,
  timeoutMs: number,
): Promise<Lifecycle[]> {
  const lifecycles: Lifecycle[] = [];
  for (let i = 0; i < options.users; i += 1) lifecycles.push(await platform.user());

  await Promise.all(
    lifecycles.map(async (life) => {
      const event = paidCheckout(life.userId, TOP_UP_CENTS);
      await Promise.all(
        Array.from({ length: options.webhookCopies ?? 1 }, () =>
          persistently(
            () => platform.stripeWebhook(event),
            (res) => res.status === 200,
            timeoutMs,
          ),
        ),
      );
    }),
  );
  // The credit first: an allocation is refused on an empty balance.
  const ledger = createLedger({ firestore: platform.bus.firestore });
  for (const life of lifecycles) {
    const credited = await persistently(
      () => ledger.userBalance(life.userId, 'USD'),
      (b) => b === TOP_UP_CENTS * 10_000,
      timeoutMs,
    );
    if (credited !== TOP_UP_CENTS * 10_000) life.stuck = `credit: balance ${credited}`;
  }
  await options.beforeRequests?.();

  await Promise.all(
    lifecycles.map(async (life) => {
      const made = await persistently(
        () =>
          platform.api('/v1/allocations', life.apiKey, {
            method: 'POST',
            headers: { 'idempotency-key': `reliability-${life.userId}` },
            body: JSON.stringify({ gpu_type: 'h100', gpu_count: 1 }),
          }),
        (res) => res.status === 202,
        timeoutMs,
      );
      life.allocationId = made?.body?.allocation_id as string | undefined;
    }),
  );
  await options.midFlight?.();

  const status = (life: Lifecycle) =>
    platform
      .api(`/v1/allocations/${life.allocationId}`, life.apiKey)
      .then((r) => String(r.body?.status));
  await Promise.all(
    lifecycles.map(async (life) => {
      if (!life.allocationId) {
        life.stuck ??= 'request';
        return;
      }
      if (
        (await persistently(
          () => status(life),
          (s) => s === 'active',
          timeoutMs,
        )) !== 'active'
      ) {
        life.stuck ??= 'active';
        return;
      }
      await sleep(1_500);
      await persistently(
        () => platform.tick('provisioning-worker', 'meter'),
        () => true,
        timeoutMs,
      );
      await persistently(
        () =>
          platform.api(`/v1/allocations/${life.allocationId}/release`, life.apiKey, {
            method: 'POST',
          }),
        (res) => res.status === 202,
        timeoutMs,
      );
      if (
        (await persistently(
          () => status(life),
          (s) => s === 'released',
          timeoutMs,
        )) !== 'released'
      ) {
        life.stuck ??= 'released';
      }
    }),
  );
  return lifecycles;
}

interface FlowView {
  events: {
    event_id: string;
    event_type: string;
    consumers: { consumer: string; outcome: string }[];
  }[];
}

interface Pending {
  line: string;
  subscription?: string;
  message?: { data: Buffer; attributes: Record<string, string> };
}

/** Every outbox entry of the project, decoded. */
async function producedEvents(platform: PlatformUnderTest) {
  const snaps = await platform.bus.firestore.collection('outbox').get();
  return snaps.docs.map((snap) => {
    const envelope = JSON.parse(Buffer.from(snap.get('data') as Uint8Array).toString()) as {
      event_id: string;
      event_type: string;
      correlation_id: string;
      payload: Record<string, unknown>;
    };
    const message = {
      data: Buffer.from(snap.get('data') as Uint8Array),
      attributes: snap.get('attributes') as Record<string, string>,
    };
    return { ...envelope, message, published: snap.get('published_at') !== null };
  });
}

/** Consumer outcomes of every produced event, from the replay app's flows ("where is my event?"). */
async function outcomes(platform: PlatformUnderTest) {
  const events = await producedEvents(platform);
  const correlations = [...new Set(events.map((e) => e.correlation_id))];
  const flows = await Promise.all(
    correlations.map(async (id) => {
      const res = await fetch(`${platform.urls.replay}/v1/flows/${encodeURIComponent(id)}`);
      return res.ok ? ((await res.json()) as FlowView) : { events: [] };
    }),
  );
  const byEvent = new Map(flows.flatMap((f) => f.events.map((e) => [e.event_id, e] as const)));
  const pending: Pending[] = [];
  for (const event of events) {
    if (!isEventType(event.event_type)) continue;
    if (!event.published) {
      pending.push({ line: `${event.event_type} ${event.event_id}: not published` });
      continue;
    }
    const flow = byEvent.get(event.event_id);
    for (const consumer of catalog[event.event_type].consumers) {
      const outcome = flow?.consumers.find((c) => c.consumer === consumer)?.outcome ?? 'unknown';
      if (!['applied', 'duplicate', 'dead_lettered'].includes(outcome)) {
        pending.push({
          line: `${event.event_type} ${event.event_id} → ${consumer}: ${outcome}`,
          ...(outcome === 'not_yet_delivered'
            ? { subscription: `${event.event_type}.${consumer}`, message: event.message }
            : {}),
        });
      }
    }
  }
  return { events, pending };
}

/**
 * The Pub/Sub emulator's stall (DESIGN.md: when several messages of one subscription enter retry
 * backoff together, that subscription never redelivers them, nor hands them to a pull; real
 * Pub/Sub does redeliver). Told apart from loss like this: once the platform is quiet for longer
 * than Pub/Sub's backoff, each event still not delivered to a consumer is pushed to that
 * subscription's endpoint as Pub/Sub would redeliver it — the outbox's copy of the message, same
 * data, same attributes. Counted apart in the report; an event the outbox does not hold stays lost.
 */
async function redriveStalled(platform: PlatformUnderTest, stalled: Pending[]): Promise<number> {
  let redelivered = 0;
  for (const item of stalled) {
    if (!item.subscription || !item.message) continue;
    const endpoint = platform.pushEndpoints[item.subscription];
    if (!endpoint) {
      console.warn(`redelivery: no push endpoint for ${item.subscription}`);
      continue;
    }
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        message: {
          data: item.message.data.toString('base64'),
          attributes: item.message.attributes,
          messageId: `redelivery-${item.message.attributes.event_id}`,
          publishTime: new Date().toISOString(),
        },
        subscription: `projects/${platform.bus.projectId}/subscriptions/${item.subscription}`,
      }),
    });
    if (res.ok) redelivered += 1;
    else
      console.warn(`redelivery to ${item.subscription} refused: ${res.status} ${await res.text()}`);
  }
  return redelivered;
}

export interface Settled {
  pending: string[];
  /** Messages the emulator's stalled redelivery held back, pushed from the outbox's copy. */
  stallRedelivered: number;
}

/** Ticks what Cloud Scheduler would until every produced event reached each of its consumers. */
export async function settle(platform: PlatformUnderTest, timeoutMs = 240_000): Promise<Settled> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  // Longer than Pub/Sub's backoff (10 s doubling) needs to redeliver a few times.
  const stallAfterMs = 40_000;
  let pending: string[] = [];
  let stallRedelivered = 0;
  let redriven = false;
  while (Date.now() < deadline) {
    await Promise.allSettled(
      (Object.keys(platform.urls) as (keyof PlatformUnderTest['urls'])[]).map((app) =>
        fetch(`${platform.urls[app]}/tasks/outbox-sweep`, { method: 'POST' }),
      ),
    );
    const found = await outcomes(platform);
    pending = found.pending.map((p) => p.line);
    if (pending.length === 0) return { pending, stallRedelivered };
    if (!redriven && Date.now() - started > stallAfterMs) {
      redriven = true;
      stallRedelivered += await redriveStalled(platform, found.pending);
    }
    await sleep(1_000);
  }
  return { pending, stallRedelivered };
}

export interface ScenarioReport {
  scenario: string;
  fault: string;
  lifecycles: number;
  published: number;
  applied: number;
  duplicates_absorbed: number;
  dead_lettered: number;
  replayed: number;
  /** Redelivered after the emulator's redelivery stalled (see `redriveStalled`); 0 on real Pub/Sub. */
  emulator_stall_redelivered: number;
  lost: number;
  double_applied: number;
  seconds: number;
  lost_detail: string[];
  double_applied_detail: string[];
}

/** The scenario's figures, once settled; `lost` and `doubleApplied` say which, not only how many. */
export async function account(
  platform: PlatformUnderTest,
  lifecycles: Lifecycle[],
  meta: { scenario: string; fault: string; startedAt: number; injected?: number },
): Promise<ScenarioReport> {
  const firestore = platform.bus.firestore;
  const settled = await settle(platform);
  const { events } = await outcomes(platform);
  const lost = [
    ...settled.pending,
    ...lifecycles.filter((l) => l.stuck).map((l) => `${l.userId}: stopped at ${l.stuck}`),
  ];

  // Applied twice: the ledger, the allocation history (its events), the notification store.
  const doubled: string[] = [];
  const ledger = createLedger({ firestore });
  const check = await ledger.check();
  if (!check.ok)
    doubled.push(...check.violations.map((v) => `ledger: ${v.code} ${v.transaction_id ?? ''}`));
  for (const life of lifecycles) {
    const headers = { authorization: `Bearer ${life.apiKey}` };
    const postings = (await (
      await fetch(`${platform.urls['billing-worker']}/v1/ledger?limit=100`, { headers })
    ).json()) as { items: { kind: string; direction: string; amount_micros: number }[] };
    const usage = (await (
      await fetch(`${platform.urls['billing-worker']}/v1/usage?limit=100`, { headers })
    ).json()) as { items: { amount_micros: number }[] };
    const credits = postings.items.filter((p) => p.kind === 'credit').length;
    if (credits !== 1) doubled.push(`${life.userId}: credited ${credits} times`);
    const balance = await ledger.userBalance(life.userId, 'USD');
    const charged = usage.items.reduce((sum, line) => sum + line.amount_micros, 0);
    if (balance !== TOP_UP_CENTS * 10_000 - charged) {
      doubled.push(
        `${life.userId}: balance ${balance} ≠ credit − charges ${TOP_UP_CENTS * 10_000 - charged}`,
      );
    }
    for (const type of ['gpuaas.provisioning.active', 'gpuaas.provisioning.releasing.completed']) {
      const emitted = events.filter(
        (e) => e.event_type === type && e.payload.allocation_id === life.allocationId,
      );
      if (emitted.length > 1)
        doubled.push(`${life.allocationId}: ${type} emitted ${emitted.length} times`);
    }
    const notes = await firestore
      .collection('notifications')
      .where('user_id', '==', life.userId)
      .get();
    const perKind = new Map<string, number>();
    for (const note of notes.docs) {
      const key = `${note.get('kind')}|${note.get('channel')}`;
      perKind.set(key, (perKind.get(key) ?? 0) + 1);
    }
    for (const [key, count] of perKind)
      if (count > 1) doubled.push(`${life.userId}: ${count} × ${key}`);
    for (const kind of ['allocation.active', 'allocation.released']) {
      if (!perKind.has(`${kind}|in_app`) && !life.stuck)
        lost.push(`${life.userId}: no ${kind} notification`);
    }
  }

  const [records, letters] = await Promise.all([
    firestore.collection(DEDUPE_COLLECTION).where('state', '==', 'completed').count().get(),
    firestore.collection('dead_letters').get(),
  ]);
  const applied = records.data().count;
  const acknowledged = Object.values(platform.fronts).reduce(
    (sum, f) => sum + (f?.counts.acknowledged ?? 0),
    0,
  );
  return {
    scenario: meta.scenario,
    fault: meta.fault,
    lifecycles: lifecycles.length,
    published: events.length + (meta.injected ?? 0),
    applied,
    duplicates_absorbed: Math.max(0, acknowledged - applied - letters.size),
    dead_lettered: letters.size,
    replayed: letters.docs.filter((d) => d.get('status') === 'replayed').length,
    emulator_stall_redelivered: settled.stallRedelivered,
    lost: lost.length,
    double_applied: doubled.length,
    seconds: Math.round((Date.now() - meta.startedAt) / 100) / 10,
    lost_detail: lost,
    double_applied_detail: doubled,
  };
}

/** Where each scenario leaves its figures; the suite's teardown gathers them into the report. */
export const PARTS_DIR = new URL('../.reliability/', import.meta.url);

/** Keeps a scenario's figures for `reliability-report.json` and prints its row. */
export function record(report: ScenarioReport): void {
  mkdirSync(PARTS_DIR, { recursive: true });
  writeFileSync(
    new URL(`${report.scenario}.json`, PARTS_DIR),
    `${JSON.stringify(report, null, 2)}\n`,
  );
  console.log(table([report]));
  for (const line of [...report.lost_detail, ...report.double_applied_detail])
    console.log(`  ${line}`);
}

export function table(rows: ScenarioReport[]): string {
  const columns = [
    'scenario',
    'published',
    'applied',
    'duplicates_absorbed',
    'dead_lettered',
    'replayed',
    'emulator_stall_redelivered',
    'lost',
    'double_applied',
    'seconds',
  ] as const;
  const lines = rows.map((r) => `| ${columns.map((c) => String(r[c])).join(' | ')} |`);
  return [
    '',
    `| ${columns.join(' | ')} |`,
    `|${columns.map(() => ' --- ').join('|')}|`,
    ...lines,
  ].join('\n');
}
