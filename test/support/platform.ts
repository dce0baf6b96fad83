// Every app of the platform on one TestBus, wired by the bus derived from the catalog: what the
// end-to-end and reliability suites (and the pipeline bench) run against.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { billingWorkerService, loadBillingConfig } from '@gpuaas/billing-worker';
import type { Service, ServiceOptions } from '@gpuaas/eventing';
import { TestBus } from '@gpuaas/eventing/testing';
import { createUserRegistry } from '@gpuaas/http-api';
import { loadRelayConfig, notificationRelayService } from '@gpuaas/notification-relay';
import { loadOrchestratorConfig, orchestratorService } from '@gpuaas/orchestrator';
import { loadPaymentsConfig, paymentsService } from '@gpuaas/payments';
import { AppProcess, LOCAL_SECRETS, localApps, localEnv } from '@gpuaas/platform';
import { loadWorkerConfig, provisioningWorkerService } from '@gpuaas/provisioning-worker';
import { loadReplayConfig, replayService } from '@gpuaas/replay';
import { apply, deriveBus, localSettingsAt } from '@gpuaas/topology';
import { type ServiceName, tasksOf } from '@gpuaas/topology/services';
import Stripe from 'stripe';
import { HttpFront } from './faults';

type Env = Record<string, string>;

/** How each app is built from its environment: exactly what its `src/index.ts` runs. */
const APPS: Record<ServiceName, (env: Env) => ServiceOptions> = {
  orchestrator: (env) => orchestratorService(loadOrchestratorConfig(env)),
  'provisioning-worker': (env) => provisioningWorkerService(loadWorkerConfig(env)),
  'billing-worker': (env) => billingWorkerService(loadBillingConfig(env)),
  payments: (env) => paymentsService(loadPaymentsConfig(env)),
  'notification-relay': (env) => notificationRelayService(loadRelayConfig(env)),
  replay: (env) => replayService(loadReplayConfig(env)),
};
type AppName = keyof typeof APPS;

/** Settings that keep a test's clock short: fast boots, compressed retry schedules. */
const TEST_ENV: Partial<Record<AppName, Env>> = {
  'provisioning-worker': { SIM_BOOT_LATENCY_MS: '50-150', SIM_CALL_LATENCY_MS: '1-5' },
  'notification-relay': {
    WEBHOOK_RETRY_SCHEDULE: '0ms,200ms,400ms',
    WEBHOOK_ALLOW_INSECURE: 'true',
  },
};

export type ApiInit = RequestInit & { headers?: Record<string, string> };
export interface ApiAnswer {
  status: number;
  /** The JSON body; null when there is none. */
  body: Record<string, unknown> | null;
  retryAfter: string | null;
}

export interface PlatformUnderTest {
  bus: TestBus;
  urls: Record<AppName, string>;
  services: Record<AppName, Service>;
  /** A new user in the registry with an API key. */
  user(): Promise<{ userId: string; apiKey: string }>;
  /** What Cloud Scheduler would do: one tick of a task of an app. */
  tick(app: AppName, task: string): Promise<unknown>;
  /** A Stripe webhook as Stripe sends it, signed with the payments service's secret. */
  stripeWebhook(event: object): Promise<Response>;
  /** A user's call to the public API (the orchestrator), JSON in and out; no retry. */
  api(path: string, apiKey: string, init?: ApiInit): Promise<ApiAnswer>;
  /** Each app's push front (with `fronts`): what Pub/Sub pushes to. */
  fronts: Partial<Record<AppName, HttpFront>>;
  /** Push endpoint of each subscription of the derived bus, by subscription name. */
  pushEndpoints: Record<string, string>;
  /** The app run as its own process (with `child`), restarted by its supervisor when killed. */
  child?: { app: AppName; process: AppProcess; lines: string[] };
  close(): Promise<void>;
}

export interface PlatformOptions {
  /** Extra or overriding environment per app. */
  env?: Partial<Record<AppName, Env>>;
  /** Pub/Sub pushes through a counting front per app (which can refuse deliveries for a while). */
  fronts?: boolean;
  /** One app as its own process (`node` with its `src/index.ts`, as Cloud Run runs it). */
  child?: AppName;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });

async function untilHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer /healthz in ${timeoutMs / 1000} s`);
}

export async function startPlatformUnderTest(
  options: PlatformOptions = {},
): Promise<PlatformUnderTest> {
  const bus = await TestBus.start('platform');
  const urls = {} as PlatformUnderTest['urls'];
  const services = {} as Record<AppName, Service>;
  const fronts: PlatformUnderTest['fronts'] = {};
  let child: PlatformUnderTest['child'];
  for (const name of Object.keys(APPS) as AppName[]) {
    const port = name === options.child ? await freePort() : 0;
    const env = {
      ...(localEnv(name, {
        project: bus.projectId,
        port,
        pubsubHost: process.env.PUBSUB_EMULATOR_HOST ?? '',
        firestoreHost: process.env.FIRESTORE_EMULATOR_HOST ?? '',
      }) as Env),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...TEST_ENV[name],
      ...options.env?.[name],
    };
    if (name === options.child) {
      const app = localApps().find((a) => a.name === name);
      if (!app) throw new Error(`no app ${name}`);
      const lines: string[] = [];
      const supervised = new AppProcess({
        name,
        entry: app.entry,
        cwd: app.dir,
        env,
        onLine: (line) => lines.push(line),
        onEvent: (line) => lines.push(`# ${line}`),
        restartDelayMs: 200,
      });
      supervised.start();
      urls[name] = `http://127.0.0.1:${port}`;
      child = { app: name, process: supervised, lines };
      continue;
    }
    const served = await bus.serve(APPS[name](env), false);
    urls[name] = served.url;
    services[name] = served.service;
  }
  if (child) await untilHealthy(urls[child.app], 180_000);
  const pushUrls = { ...urls };
  if (options.fronts) {
    for (const name of Object.keys(APPS) as AppName[]) {
      const front = await HttpFront.start(urls[name]);
      fronts[name] = front;
      pushUrls[name] = front.url;
    }
  }
  const derived = deriveBus(localSettingsAt(pushUrls));
  const result = await apply(bus.pubsub, derived);
  const pushEndpoints = Object.fromEntries(
    derived.subscriptions.flatMap((sub) =>
      sub.pushEndpoint ? [[sub.name, sub.pushEndpoint]] : [],
    ),
  );
  if (result.unresolved.length > 0) throw new Error('the derived bus could not be applied');

  const registry = createUserRegistry(bus.firestore);
  return {
    bus,
    urls,
    services,
    async user() {
      const userId = `user-${randomUUID().slice(0, 8)}`;
      const { apiKey } = await registry.createUser({ user_id: userId }, 'e2e');
      return { userId, apiKey };
    },
    async tick(app, task) {
      if (!tasksOf(app).some((t) => t.name === task)) throw new Error(`${app} has no task ${task}`);
      const res = await fetch(`${urls[app]}/tasks/${task}`, { method: 'POST' });
      return res.json();
    },
    async stripeWebhook(event) {
      const payload = JSON.stringify(event);
      const header = Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: LOCAL_SECRETS.STRIPE_WEBHOOK_SECRET as string,
      });
      return fetch(`${urls.payments}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': header },
        body: payload,
      });
    },
    async api(path, apiKey, init = {}) {
      const res = await fetch(`${urls.orchestrator}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          ...init.headers,
        },
      });
      return {
        status: res.status,
        body: (await res.json().catch(() => null)) as Record<string, unknown> | null,
        retryAfter: res.headers.get('retry-after'),
      };
    },
    fronts,
    pushEndpoints,
    ...(child ? { child } : {}),
    async close() {
      await child?.process.stop();
      await Promise.all(Object.values(fronts).map((front) => front.close()));
      await bus.close();
    },
  };
}
