import type { Firestore } from '@google-cloud/firestore';
import type { EventType, PayloadOf } from '@gpuaas/contracts';
import type { Service } from '@gpuaas/eventing';
import {
  type ServedService,
  TestBus,
  type TopicTap,
  type WireOptions,
} from '@gpuaas/eventing/testing';
import { createUserRegistry, type UserRegistry } from '@gpuaas/http-api';
import {
  createLedger,
  customerCreditAccount,
  type Ledger,
  type LedgerCheckReport,
  STRIPE_CLEARING_ACCOUNT,
} from '@gpuaas/ledger';
import { waitFor } from '@gpuaas/testkit';
import { expect } from 'vitest';
import { type BillingConfig, loadBillingConfig } from '../src/config';
import type { UsageLine } from '../src/domain/usage-line';
import { type BillingServiceDeps, billingWorkerService } from '../src/service';
import { readBalanceState } from '../src/store/balance-states';
import { linesOf, toUsageLine } from '../src/store/usage-lines';
import { readWindow } from '../src/store/usage-windows';
import { uid } from './fixtures';

export interface HarnessOptions {
  env?: Record<string, string>;
  deps?: BillingServiceDeps;
  /** Start on a port with real push subscriptions (default), or only for `app.request`. */
  serve?: boolean;
  wire?: WireOptions;
  operatorCertsUrl?: string;
}

/** Every event the billing worker emits: their topics exist before anything is published. */
export const EMITTED: EventType[] = [
  'platform.billing.low_balance_warning',
  'platform.billing.auto_release_pending',
  'platform.billing.balance_depleted',
  'gpuaas.provisioning.force_release_requested',
];

export interface CallResult {
  status: number;
  body: Record<string, unknown> & { field?: string; reason?: string };
}

/** One billing worker on its own project: real Pub/Sub push, real Firestore, the real ledger. */
export class BillingHarness {
  private constructor(
    readonly bus: TestBus,
    readonly config: BillingConfig,
    readonly service: Service,
    readonly served: ServedService | undefined,
    readonly registry: UserRegistry,
    readonly ledger: Ledger,
  ) {}

  get firestore(): Firestore {
    return this.bus.firestore;
  }

  static async start(prefix: string, options: HarnessOptions = {}): Promise<BillingHarness> {
    const bus = await TestBus.start(prefix);
    const config = loadBillingConfig(
      {
        SERVICE_NAME: 'billing-worker',
        GCP_PROJECT_ID: bus.projectId,
        PUSH_AUTH: 'off',
        PORT: '0',
        ACK_DEADLINE_SECONDS: '10',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        OPERATOR_AUTH: 'off',
        ...options.env,
      },
      options.operatorCertsUrl ? { operatorCertsUrl: options.operatorCertsUrl } : {},
    );
    await bus.createTopics(...EMITTED);
    const serviceOptions = billingWorkerService(config, options.deps);
    let served: ServedService | undefined;
    let service: Service;
    if (options.serve === false) {
      service = bus.create(serviceOptions);
    } else {
      served = await bus.serve(serviceOptions, options.wire ?? {});
      service = served.service;
    }
    const ledger = createLedger({ firestore: bus.firestore });
    return new BillingHarness(
      bus,
      config,
      service,
      served,
      createUserRegistry(bus.firestore),
      ledger,
    );
  }

  publish<T extends EventType>(eventType: T, payload: PayloadOf<T>): Promise<string> {
    return this.bus.publish(eventType, payload, { producer: 'test' });
  }

  tap(topic: EventType): Promise<TopicTap> {
    return this.bus.tap(topic);
  }

  /** A registered user with an API key (`Authorization` header ready). */
  async user(prefix = 'usr'): Promise<{ userId: string; auth: string; apiKey: string }> {
    const userId = uid(prefix);
    const { apiKey } = await this.registry.createUser({ user_id: userId }, 'test');
    return { userId, apiKey, auth: `Bearer ${apiKey}` };
  }

  /**
   * A top-up the way payments posts it: `stripe_clearing` → `customer_credit:<user>` in one
   * transaction, then `balance_credited` to the read model.
   */
  async credit(
    userId: string,
    amountMicros: number,
    options: { currency?: string; announce?: boolean } = {},
  ): Promise<string> {
    const currency = options.currency ?? 'USD';
    const stripeEventId = `evt_${uid('t').replace(/-/g, '')}`;
    const transactionId = `ltx_${stripeEventId}`;
    const creditedAt = new Date().toISOString();
    await this.firestore.runTransaction((tx) =>
      this.ledger.post(tx, {
        transaction_id: transactionId,
        kind: 'credit',
        posted_at: creditedAt,
        source: { type: 'stripe_event', id: stripeEventId },
        postings: [
          {
            account: STRIPE_CLEARING_ACCOUNT,
            direction: 'debit',
            amount_micros: amountMicros,
            currency,
          },
          {
            account: customerCreditAccount(userId),
            direction: 'credit',
            amount_micros: amountMicros,
            currency,
          },
        ],
      }),
    );
    if (options.announce === false) return stripeEventId;
    await this.deliver('platform.payments.balance_credited', {
      stripe_event_id: stripeEventId,
      payment_session_id: `cs_${stripeEventId.slice(4)}`,
      user_id: userId,
      amount_micros: amountMicros,
      currency,
      ledger_transaction_id: transactionId,
      balance_after_micros: await this.ledger.userBalance(userId, currency),
      livemode: false,
      credited_at: creditedAt,
    });
    return stripeEventId;
  }

  async lines(userId: string, allocationId?: string): Promise<UsageLine[]> {
    const snap = await linesOf(this.firestore, userId, allocationId).get();
    return snap.docs.map((d) => toUsageLine(d.data()));
  }

  /** Waits until `count` lines of the allocation exist, then returns them. */
  async waitForLines(userId: string, allocationId: string, count: number, timeout = 30_000) {
    await waitFor(async () => (await this.lines(userId, allocationId)).length >= count, {
      timeoutMs: timeout,
      intervalMs: 100,
      message: `${count} usage lines of ${allocationId}`,
    });
    return this.lines(userId, allocationId);
  }

  /** Events this service committed to its outbox for a user: the truth of what it emitted. */
  async emitted(eventType: EventType, userId: string): Promise<Record<string, unknown>[]> {
    const snap = await this.firestore
      .collection(this.service.outbox.collection)
      .where('topic', '==', eventType)
      .get();
    return snap.docs
      .map((d) => JSON.parse(Buffer.from(d.get('data') as Uint8Array).toString()).payload)
      .filter((p: { user_id?: string }) => p.user_id === userId);
  }

  /** Waits for the allocation's usage window to reach `state`. */
  async waitForWindow(allocationId: string, state: string): Promise<void> {
    await waitFor(
      async () => (await readWindow(undefined, this.firestore, allocationId))?.state === state,
      { timeoutMs: 30_000, intervalMs: 100, message: `window ${allocationId} ${state}` },
    );
  }

  /** The ledger check over this project: must pass after every test. */
  async expectLedgerHolds(): Promise<LedgerCheckReport> {
    const report = await this.ledger.check();
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
    return report;
  }

  /** Deliveries of an event type acknowledged as processed or duplicate so far. */
  delivered(eventType: EventType, consumer = 'billing-worker'): number {
    const prefix = `${eventType}.${consumer}|`;
    return Object.entries(this.service.metrics.snapshot())
      .filter(([k]) => k.startsWith(`${prefix}processed|`) || k.startsWith(`${prefix}duplicate|`))
      .reduce((n, [, count]) => n + count, 0);
  }

  /** Waits until `count` more deliveries of the event type than `since` were acknowledged. */
  async waitDelivered(
    eventType: EventType,
    since: number,
    count: number,
    timeout = 30_000,
    consumer = 'billing-worker',
  ) {
    await waitFor(() => this.delivered(eventType, consumer) - since >= count, {
      timeoutMs: timeout,
      intervalMs: 100,
      message: `${count} acknowledged deliveries of ${eventType}`,
    });
  }

  /** Publishes and waits until this service acknowledged it (its follow-up included). */
  async deliver<T extends EventType>(eventType: T, payload: PayloadOf<T>): Promise<void> {
    const consumer =
      eventType === 'platform.payments.balance_credited' ? 'billing-read-model' : 'billing-worker';
    const since = this.delivered(eventType, consumer);
    await this.publish(eventType, payload);
    await this.waitDelivered(eventType, since, 1, 30_000, consumer);
  }

  /** The stored balance state of a user (undefined while never out of `ok`). */
  state(userId: string, currency = 'USD') {
    return readBalanceState(this.firestore, userId, currency);
  }

  /** `POST /tasks/evaluate-balances`, as Cloud Scheduler calls it. */
  async tick(): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await this.service.app.request('/tasks/evaluate-balances', { method: 'POST' });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** Deliveries answered 503, by reason: how often Pub/Sub had to retry. */
  retries(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, count] of Object.entries(this.service.metrics.snapshot())) {
      const [, outcome, reason] = key.split('|');
      if (outcome === 'retry') out[reason ?? ''] = (out[reason ?? ''] ?? 0) + count;
    }
    return out;
  }

  async call(method: string, path: string, options: { auth?: string } = {}): Promise<CallResult> {
    const headers: Record<string, string> = {};
    if (options.auth) headers.authorization = options.auth;
    const res = await this.service.app.request(path, { method, headers });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {} };
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}
