import type { Firestore } from '@google-cloud/firestore';
import type { EventType, PayloadOf } from '@gpuaas/contracts';
import { DEDUPE_COLLECTION, type DedupeRecord, type Service } from '@gpuaas/eventing';
import { type ServedService, TestBus, type WireOptions } from '@gpuaas/eventing/testing';
import { createUserRegistry, type UserRegistry } from '@gpuaas/http-api';
import { loadRelayConfig, type RelayConfig } from '../src/config';
import type { PassResult } from '../src/delivery/delivery-run';
import { notificationRelayService, type RelayServiceDeps } from '../src/service';
import { NOTIFICATION_SETTINGS, NOTIFICATIONS, OPS_ALERTS } from '../src/store/collections';
import type { NotificationSettingsDoc } from '../src/store/notification-settings';
import type { NotificationDoc } from '../src/store/notifications';
import type { OpsAlertDoc } from '../src/store/ops-alerts';

export interface HarnessOptions {
  env?: Record<string, string>;
  deps?: RelayServiceDeps;
  /** Start on a port with real push subscriptions (default), or only as `app.request`. */
  serve?: boolean;
  wire?: WireOptions;
}

export interface CallResult {
  status: number;
  contentType: string;
  body: Record<string, unknown> & { field?: string; reason?: string };
}

/** One relay on its own project: real Pub/Sub push, real Firestore, the real user registry. */
export class RelayHarness {
  private constructor(
    readonly bus: TestBus,
    readonly config: RelayConfig,
    readonly service: Service,
    readonly served: ServedService | undefined,
    readonly registry: UserRegistry,
  ) {}

  get firestore(): Firestore {
    return this.bus.firestore;
  }

  static async start(prefix: string, options: HarnessOptions = {}): Promise<RelayHarness> {
    const bus = await TestBus.start(prefix);
    const config = loadRelayConfig({
      SERVICE_NAME: 'notification-relay',
      GCP_PROJECT_ID: bus.projectId,
      PUSH_AUTH: 'off',
      PORT: '0',
      ACK_DEADLINE_SECONDS: '10',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      WEBHOOK_ALLOW_INSECURE: 'true',
      WEBHOOK_RETRY_JITTER: '0',
      ...options.env,
    });
    const serviceOptions = notificationRelayService(config, options.deps);
    let served: ServedService | undefined;
    let service: Service;
    if (options.serve === false) {
      service = bus.create(serviceOptions);
    } else {
      served = await bus.serve(serviceOptions, options.wire ?? {});
      service = served.service;
    }
    return new RelayHarness(bus, config, service, served, createUserRegistry(bus.firestore));
  }

  /** A registered user and an `Authorization` header for their key. */
  async user(prefix = 'usr'): Promise<{ userId: string; auth: string; apiKey: string }> {
    const userId = `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
    const { apiKey } = await this.registry.createUser({ user_id: userId }, 'test');
    return { userId, apiKey, auth: `Bearer ${apiKey}` };
  }

  async call(
    method: string,
    path: string,
    options: { auth?: string; body?: unknown } = {},
  ): Promise<CallResult> {
    const headers: Record<string, string> = {};
    if (options.auth) headers.authorization = options.auth;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.service.app.request(path, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      body: text ? JSON.parse(text) : {},
    };
  }

  /** A user whose notifications go to `url` by webhook (and in-app when asked); returns the secret. */
  async webhookUser(url: string, channels: string[] = ['webhook']) {
    const user = await this.user();
    const res = await this.call('PUT', '/v1/notification-settings', {
      auth: user.auth,
      body: { channels, webhook: { url } },
    });
    if (res.status !== 200) throw new Error(`settings: ${res.status} ${JSON.stringify(res.body)}`);
    const webhook = res.body.webhook as { secret: string };
    return { ...user, secret: webhook.secret };
  }

  /** The delivery tick, as Cloud Scheduler calls it. */
  async tick(): Promise<PassResult> {
    const res = await this.service.app.request('/tasks/deliver-notifications', { method: 'POST' });
    if (res.status !== 200) throw new Error(`tick answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as PassResult;
  }

  publish<T extends EventType>(eventType: T, payload: PayloadOf<T>, correlationId?: string) {
    return this.bus.publish(eventType, payload, correlationId ? { correlationId } : {});
  }

  async notifications(userId: string, eventType?: string): Promise<NotificationDoc[]> {
    let q = this.firestore.collection(NOTIFICATIONS).where('user_id', '==', userId);
    if (eventType) q = q.where('event_type', '==', eventType);
    return (await q.get()).docs.map((d) => d.data() as NotificationDoc);
  }

  async notification(id: string): Promise<NotificationDoc | undefined> {
    return (await this.firestore.collection(NOTIFICATIONS).doc(id).get()).data() as
      | NotificationDoc
      | undefined;
  }

  async opsAlerts(eventType?: string): Promise<OpsAlertDoc[]> {
    const all = this.firestore.collection(OPS_ALERTS);
    const q = eventType ? all.where('event_type', '==', eventType) : all;
    return (await q.get()).docs.map((d) => d.data() as OpsAlertDoc);
  }

  async settings(userId: string): Promise<NotificationSettingsDoc | undefined> {
    return (await this.firestore.collection(NOTIFICATION_SETTINGS).doc(userId).get()).data() as
      | NotificationSettingsDoc
      | undefined;
  }

  /** Completed dedupe records of a consumer and event type: what acknowledged pushes left. */
  async completed(consumer: string, eventType: string): Promise<DedupeRecord[]> {
    const snap = await this.firestore
      .collection(DEDUPE_COLLECTION)
      .where('consumer', '==', consumer)
      .where('event_type', '==', eventType)
      .get();
    return snap.docs.map((d) => d.data() as DedupeRecord).filter((r) => r.state === 'completed');
  }

  /** Push outcomes per `subscription|outcome|reason`, summed for one subscription. */
  outcomes(subscription: string): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const [key, count] of Object.entries(this.service.metrics.snapshot())) {
      const [sub, outcome] = key.split('|');
      if (sub === subscription && outcome) totals[outcome] = (totals[outcome] ?? 0) + count;
    }
    return totals;
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}
