import { randomUUID } from 'node:crypto';
import { examples, usageEventId } from '@gpuaas/contracts';
import { encodeEvent } from '@gpuaas/eventing';
import { PlatformClient, type PlatformTarget, StepFailed, until } from './client';
import { paidCheckout } from './stripe-events';

/** What the scenario learns as it goes: ids the later steps and the report need. */
export interface ScenarioState {
  startedAt: Date;
  userId: string;
  apiKey: string;
  /** The allocations by role: `first` and `second` are requested together, `refused` fails. */
  allocations: Record<string, string>;
  unknownUserId: string;
  stripeEventIds: string[];
  poison: {
    eventId: string;
    correlationId: string;
    deadLetterId?: string;
    repairedEventId?: string;
    /** The payload as it should have been sent. */
    repaired?: unknown;
  };
  /** Correlation ids of every flow the scenario started, for the timeline. */
  correlationIds: Set<string>;
  balance?: Balance;
  ledgerCheck?: Record<string, unknown>;
  notifications: Notification[];
}

export interface Balance {
  currency: string;
  balance_micros: number;
  state: string;
  burn_rate_micros_per_hour: number;
}

export interface Notification {
  kind: string;
  event_type?: string;
  channel: string;
  status: string;
  severity: string;
  title: string;
}

export interface ScenarioOptions {
  /**
   * A region whose provider fails every terminate call (`SIM_RELEASE_FAILURE_REGIONS` of the
   * provisioning worker): the second allocation runs there, and its release fails for good once
   * the release deadline passes. Without it, the second allocation is released by its owner.
   */
  releaseOutageRegion?: string;
  /** How long each step may take to show its outcome. */
  stepTimeoutMs?: number;
  /** A line of progress while a step waits (the balance draining, a status). */
  onProgress?: (line: string) => void;
}

export interface Step {
  title: string;
  run(): Promise<string | undefined>;
}

/** Top-up: 25 cents, so two 8 × H100 allocations deplete it in well under a minute. */
const TOP_UP_CENTS = 25;
const GPU = { gpu_type: 'h100', gpu_count: 8 } as const;

/**
 * The demo through the whole catalog, as steps against a running platform. Every step waits for
 * what it must cause (a status, a balance state, a dead letter) and throws `StepFailed` when it
 * does not happen. Scheduler ticks are sent by the steps themselves, so nothing waits on a cron.
 */
export function scenarioSteps(
  target: PlatformTarget,
  state: ScenarioState,
  options: ScenarioOptions = {},
): Step[] {
  const api = new PlatformClient(target);
  const timeoutMs = options.stepTimeoutMs ?? 90_000;
  const progress = options.onProgress ?? (() => undefined);
  const user = { key: state.apiKey };
  const balance = async () => {
    const body = await api.expect<{ balances: Balance[] }>(
      200,
      'billing-worker',
      'GET',
      '/v1/balance',
      user,
    );
    const usd = body.balances.find((b) => b.currency === 'USD');
    if (!usd) throw new StepFailed('no USD balance');
    state.balance = usd;
    return usd;
  };
  const allocation = (id: string) =>
    api.expect<{
      status: string;
      release_reason?: string | null;
      failure?: { reason_code: string } | null;
    }>(200, 'orchestrator', 'GET', `/v1/allocations/${id}`, user);
  const request = async (role: string, body: object) => {
    const made = await api.expect<{ allocation_id: string }>(
      202,
      'orchestrator',
      'POST',
      '/v1/allocations',
      {
        ...user,
        body,
        headers: { 'idempotency-key': `demo-${state.userId}-${role}` },
      },
    );
    state.allocations[role] = made.allocation_id;
    return made.allocation_id;
  };
  const statusOf = (id: string, wanted: string[], tick?: () => Promise<void>) =>
    until(
      `allocation ${id} reaching ${wanted.join(' or ')}`,
      async () => {
        await tick?.();
        return allocation(id);
      },
      (a) => wanted.includes(a.status),
      { timeoutMs, intervalMs: 400, onValue: (a) => progress(`${id}: ${a.status}`) },
    );
  const balanceState = (wanted: string[], tick?: () => Promise<void>) =>
    until(
      `the balance reaching ${wanted.join(' or ')}`,
      async () => {
        await tick?.();
        return balance();
      },
      (b) => wanted.includes(b.state),
      {
        timeoutMs,
        intervalMs: 500,
        onValue: (b) => progress(`balance ${usd(b.balance_micros)} (${b.state})`),
      },
    );
  const secondRegion = options.releaseOutageRegion ?? 'us-central1';

  return [
    {
      title: `top up $${(TOP_UP_CENTS / 100).toFixed(2)} with a signed Stripe webhook`,
      async run() {
        const event = paidCheckout(state.userId, TOP_UP_CENTS);
        state.stripeEventIds.push(event.id);
        const answer = await api.stripeWebhook(event);
        if (answer.status !== 200)
          throw new StepFailed(`the webhook answered ${answer.status}: ${answer.body}`);
        const credited = await until(
          'the credit',
          balance,
          (b) => b.balance_micros === TOP_UP_CENTS * 10_000,
          {
            timeoutMs,
          },
        );
        return `balance ${usd(credited.balance_micros)}`;
      },
    },
    {
      title: 'low balance: below the warning threshold',
      async run() {
        const low = await balanceState(['low', 'pending_auto_release', 'depleted'], () =>
          api.tick('billing-worker', 'evaluate-balances'),
        );
        return `state ${low.state}`;
      },
    },
    {
      title: `request two allocations of ${GPU.gpu_count} × ${GPU.gpu_type}`,
      async run() {
        const first = await request('first', { ...GPU, region: 'us-central1' });
        const second = await request('second', { ...GPU, region: secondRegion });
        await Promise.all([statusOf(first, ['active']), statusOf(second, ['active'])]);
        return `${first} and ${second} active`;
      },
    },
    {
      title: 'auto-release pending: the balance lasts less than the lead time',
      async run() {
        const pending = await balanceState(['pending_auto_release', 'depleted'], () =>
          api.tick('billing-worker', 'evaluate-balances'),
        );
        return `burning ${usd(pending.burn_rate_micros_per_hour)}/h`;
      },
    },
    {
      title: 'a failed provisioning: a third allocation is over the provider quota',
      async run() {
        const refused = await request('refused', {
          gpu_type: 'h100',
          gpu_count: 1,
          region: 'us-central1',
        });
        const failed = await statusOf(refused, ['failed']);
        return `${refused} failed: ${failed.failure?.reason_code ?? 'no reason'}`;
      },
    },
    {
      title: options.releaseOutageRegion
        ? `a release that fails: ${secondRegion} cannot terminate instances`
        : 'release the second allocation by hand',
      async run() {
        const second = state.allocations.second as string;
        await api.expect(202, 'orchestrator', 'POST', `/v1/allocations/${second}/release`, user);
        if (!options.releaseOutageRegion) {
          await statusOf(second, ['released']);
          return `${second} released`;
        }
        await statusOf(second, ['release_failed'], () =>
          api.tick('provisioning-worker', 'release-retries'),
        );
        return `${second} release_failed (billing stopped; an operator is alerted)`;
      },
    },
    {
      title: 'usage metered until the balance is depleted',
      async run() {
        const depleted = await until(
          'depletion',
          async () => {
            await api.tick('provisioning-worker', 'meter');
            return balance();
          },
          (b) => b.state === 'depleted',
          {
            timeoutMs: Math.max(timeoutMs, 180_000),
            intervalMs: 2_000,
            onValue: (b) => progress(`balance ${usd(b.balance_micros)} (${b.state})`),
          },
        );
        return `balance ${usd(depleted.balance_micros)}`;
      },
    },
    {
      title: 'forced release of what still runs',
      async run() {
        const first = state.allocations.first as string;
        const released = await statusOf(first, ['released']);
        return `${first} released (${released.release_reason ?? 'no reason'})`;
      },
    },
    {
      title: 'a reconcile failure: a payment for a user nobody knows',
      async run() {
        const event = paidCheckout(state.unknownUserId, 500);
        state.stripeEventIds.push(event.id);
        const answer = await api.stripeWebhook(event);
        if (answer.status !== 200)
          throw new StepFailed(`the webhook answered ${answer.status}: ${answer.body}`);
        const found = await until(
          'the reconcile failure',
          () =>
            api.expect<{ items: { stripe_event_id: string; reason_code: string }[] }>(
              200,
              'payments',
              'GET',
              '/v1/admin/payments/reconcile-failures?limit=100',
            ),
          (page) => page.items.some((f) => f.stripe_event_id === event.id),
          { timeoutMs },
        );
        const failure = found.items.find((f) => f.stripe_event_id === event.id);
        return `${event.id}: ${failure?.reason_code}`;
      },
    },
    {
      title: 'a poison event from a metered product, dead-lettered',
      async run() {
        const message = poisonUsage(state);
        await target.pubsub.topic(message.topic).publishMessage({
          data: message.data,
          attributes: message.attributes,
        });
        const parked = await until(
          'the dead letter in the archive',
          () =>
            api.expect<{
              items: {
                id: string;
                event_id: string | null;
                reason: { code: string; detail: string | null };
              }[];
            }>(
              200,
              'replay',
              'GET',
              '/v1/dead-letters?consumer=billing-worker&status=parked&limit=100',
            ),
          (page) => page.items.some((e) => e.event_id === state.poison.eventId),
          { timeoutMs },
        );
        const entry = parked.items.find((e) => e.event_id === state.poison.eventId);
        state.poison.deadLetterId = entry?.id;
        return `parked: ${entry?.reason.code}${entry?.reason.detail ? ` (${entry.reason.detail.slice(0, 80)})` : ''}`;
      },
    },
    {
      title: 'repaired by an operator and replayed to billing alone',
      async run() {
        const id = state.poison.deadLetterId as string;
        const repaired = await api.expect<{ event_id: string }>(
          201,
          'replay',
          'POST',
          `/v1/dead-letters/${id}/repairs`,
          {
            body: {
              payload_json: JSON.stringify(state.poison.repaired),
              reason: 'quantity sent as text by the metered product',
            },
          },
        );
        state.poison.repairedEventId = repaired.event_id;
        await until(
          'the replay',
          async () => {
            await api.tick('replay', 'run-replays');
            return api.expect<{ status: string }>(200, 'replay', 'GET', `/v1/dead-letters/${id}`);
          },
          (entry) => entry.status === 'replayed',
          { timeoutMs, intervalMs: 500 },
        );
        const flow = await until(
          'billing applying the repaired event',
          () => api.expect<FlowView>(200, 'replay', 'GET', `/v1/flows/${repaired.event_id}`),
          (f) =>
            f.events.some(
              (e) =>
                e.event_id === repaired.event_id &&
                e.consumers.some((c) => c.consumer === 'billing-worker' && c.outcome === 'applied'),
            ),
          { timeoutMs },
        );
        return `${repaired.event_id} applied by billing-worker (flow ${flow.correlation_id})`;
      },
    },
    {
      title: 'the ledger checks out and the notifications were delivered',
      async run() {
        await balance();
        state.ledgerCheck = await api.expect(
          200,
          'billing-worker',
          'GET',
          '/v1/admin/ledger-check',
        );
        const expected = [
          'gpuaas.provisioning.active',
          'gpuaas.provisioning.failed',
          options.releaseOutageRegion
            ? 'gpuaas.provisioning.release_failed'
            : 'gpuaas.provisioning.releasing.completed',
          'platform.billing.low_balance_warning',
          'platform.billing.auto_release_pending',
          'platform.billing.balance_depleted',
        ];
        const list = await until(
          'the notifications',
          async () => {
            await api.tick('notification-relay', 'deliver-notifications');
            return api.expect<{ items: Notification[] }>(
              200,
              'notification-relay',
              'GET',
              '/v1/notifications?limit=100',
              user,
            );
          },
          (page) =>
            expected.every((type) =>
              page.items.some((n) => n.event_type === type && n.status === 'delivered'),
            ),
          { timeoutMs, intervalMs: 500 },
        );
        state.notifications = list.items;
        return `${list.items.length} notifications, ledger ok`;
      },
    },
  ];
}

export interface FlowView {
  id: string;
  correlation_id: string;
  events: {
    event_id: string;
    event_type: string;
    producer: string | null;
    correlation_id: string;
    committed_at: string | null;
    published_at: string | null;
    consumers: { consumer: string; outcome: string; at: string | null; detail: string | null }[];
  }[];
}

/** A fresh user, its key, and the state every step fills in. */
export async function newScenario(target: PlatformTarget): Promise<ScenarioState> {
  const api = new PlatformClient(target);
  const userId = `demo-${randomUUID().slice(0, 8)}`;
  const created = await api.expect<{ user_id: string; api_key: string }>(
    201,
    'orchestrator',
    'POST',
    '/v1/admin/users',
    {
      body: { user_id: userId, display_name: 'pnpm demo' },
    },
  );
  return {
    startedAt: new Date(),
    userId: created.user_id,
    apiKey: created.api_key,
    allocations: {},
    unknownUserId: `nobody-${randomUUID().slice(0, 8)}`,
    stripeEventIds: [],
    poison: { eventId: '', correlationId: `demo-poison-${randomUUID().slice(0, 8)}` },
    correlationIds: new Set(),
    notifications: [],
  };
}

/**
 * A usage event as a metered product that got its contract wrong sends it: a valid envelope whose
 * payload carries the quantity as text. Billing dead-letters it (`schema_invalid`); the repair is
 * the same interval with the number.
 */
function poisonUsage(state: ScenarioState) {
  const allocationId = state.allocations.first as string;
  // After the allocation's release: billed up to `released_at`, so this second charges nothing.
  const at = new Date(Date.now() - 2_000).toISOString();
  const end = new Date(Date.now() - 1_000).toISOString();
  const payload = {
    ...examples['platform.billing.usage.metered'],
    usage_event_id: usageEventId(allocationId, at),
    user_id: state.userId,
    resource_id: allocationId,
    sku: 'h100',
    quantity: 8,
    interval_start: at,
    interval_end: end,
    is_final: false,
  };
  const message = encodeEvent('platform.billing.usage.metered', payload, 'metered-product', {
    correlationId: state.poison.correlationId,
  });
  const envelope = JSON.parse(message.data.toString()) as {
    event_id: string;
    payload: Record<string, unknown>;
  };
  envelope.payload = { ...envelope.payload, quantity: 'eight' };
  state.poison.eventId = envelope.event_id;
  state.poison.repaired = payload;
  state.correlationIds.add(state.poison.correlationId);
  return { ...message, data: Buffer.from(JSON.stringify(envelope)) };
}

export const usd = (micros: number) =>
  `${micros < 0 ? '-' : ''}$${(Math.abs(micros) / 1_000_000).toFixed(4)}`;
