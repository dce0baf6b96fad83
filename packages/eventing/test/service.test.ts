import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Firestore } from '@google-cloud/firestore';
import { examples } from '@gpuaas/contracts';
import { firestoreClient } from '@gpuaas/testkit';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePushReceiver } from '../src/service/push-receiver';
import { defineTask } from '../src/service/task';
import { defineSubscription } from '../src/subscription';
import { event, postPush, pushBody, rawPushBody } from '../src/testing/push-bodies';
import { TestBus } from '../src/testing/test-bus';
import {
  ACTIVE,
  consumer,
  countingSubscription,
  DLQ,
  providerSubscription,
  REQUESTED,
  requestedPayload,
} from './fixtures';

const require = createRequire(import.meta.url);
const RECONCILE = 'platform.payments.reconcile_failed';

describe('a service', () => {
  let bus: TestBus;
  beforeAll(async () => {
    bus = await TestBus.start('evt-svc');
    await bus.createTopics(DLQ, ACTIVE, 'notification-relay.dlq', 'ops.dlq');
  });
  afterAll(() => bus.close());

  it('hosts several consumers of one event type, each under its base path, plus tasks, receivers and an API', async () => {
    const seen: string[] = [];
    const relay = defineSubscription({
      consumer: 'notification-relay',
      eventType: RECONCILE,
      handle: () => void seen.push('notification-relay'),
    });
    const ops = defineSubscription({
      consumer: 'ops',
      eventType: RECONCILE,
      handle: () => void seen.push('ops'),
    });
    const api = new Hono();
    // The API's own auth, not the push check: a bearer it knows.
    api.use('/v1/*', async (c, next) =>
      c.req.header('authorization') === 'Bearer user-key' ? next() : c.json({ error: 'no' }, 401),
    );
    api.get('/v1/notifications', (c) => c.json({ items: [] }));
    const ticks: string[] = [];
    const archived: string[] = [];
    const served = await bus.serve(
      {
        config: bus.config('notification-relay'),
        subscriptions: [relay, ops],
        basePaths: { ops: '/ops' },
        tasks: [
          defineTask({
            name: 'deliver-notifications',
            run: async () => ({ ticked: ticks.push('tick') }),
          }),
        ],
        receivers: [
          definePushReceiver({
            path: '/push/dead-letter/ops',
            async receive(message) {
              archived.push(message.messageId);
              return 'ack';
            },
          }),
        ],
        api: (runtime) => {
          expect(runtime.firestore).toBeDefined();
          return api;
        },
      },
      false,
    );
    const { app } = served.service;
    const reconcile = pushBody(event(RECONCILE, examples[RECONCILE]));
    expect((await postPush(app, RECONCILE, reconcile)).status).toBe(204);
    expect((await postPush(app, `/ops/push/${RECONCILE}`, reconcile)).status).toBe(204);
    // Each consumer has its own dedupe record: both applied it, once each.
    expect((await postPush(app, `/ops/push/${RECONCILE}`, reconcile)).status).toBe(204);
    expect(seen.sort()).toEqual(['notification-relay', 'ops']);

    const tick = await app.request('/tasks/deliver-notifications', { method: 'POST' });
    expect(await tick.json()).toEqual({ ticked: 1 });
    expect((await app.request('/tasks/outbox-sweep', { method: 'POST' })).status).toBe(200);
    expect(
      (await postPush(app, '/push/dead-letter/ops', rawPushBody('\u0000', {}, { messageId: 'd1' })))
        .status,
    ).toBe(204);
    expect(archived).toEqual(['d1']);

    expect((await app.request('/v1/notifications')).status).toBe(401);
    const listed = await app.request('/v1/notifications', {
      headers: { authorization: 'Bearer user-key' },
    });
    expect(await listed.json()).toEqual({ items: [] });
    // Over a real socket as well.
    expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
  });

  it('refuses two routes on one path', () => {
    const relay = defineSubscription({
      consumer: 'notification-relay',
      eventType: RECONCILE,
      handle() {},
    });
    const ops = defineSubscription({ consumer: 'ops', eventType: RECONCILE, handle() {} });
    expect(() => bus.create({ config: bus.config('x'), subscriptions: [relay, ops] })).toThrow(
      `/push/${RECONCILE} is claimed twice in one service`,
    );
    expect(() =>
      bus.create({
        config: bus.config('x'),
        tasks: [defineTask({ name: 'outbox-sweep', run: async () => ({}) })],
      }),
    ).toThrow('/tasks/outbox-sweep is claimed twice');
  });

  it('answers readiness from a cached check, with a generic body', async () => {
    let readinessQueries = 0;
    const counting = (firestore: Firestore): Firestore =>
      new Proxy(firestore, {
        get(target, property, receiver) {
          if (property === 'collection') {
            return (path: string) => {
              if (path === '_readiness') readinessQueries += 1;
              return target.collection(path);
            };
          }
          const value = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    const { app } = consumer(
      bus,
      [countingSubscription()],
      {},
      {
        firestore: counting(firestoreClient(bus.projectId)),
      },
    );
    const answers = await Promise.all(Array.from({ length: 20 }, () => app.request('/readyz')));
    for (const res of answers) expect(await res.json()).toEqual({ status: 'ready' });
    expect(readinessQueries).toBe(1);
  });

  it('reports not ready while Firestore is unreachable, and says no more', async () => {
    const emulatorHost = process.env.FIRESTORE_EMULATOR_HOST;
    // The client lets the env var override an explicit host; lift it for this one client.
    delete process.env.FIRESTORE_EMULATOR_HOST;
    const { Firestore } = await import('@google-cloud/firestore');
    const unreachable = new Firestore({
      projectId: bus.projectId,
      host: '127.0.0.1:9',
      ssl: false,
      credentials: { client_email: 'x@example.com', private_key: 'unused' },
    });
    process.env.FIRESTORE_EMULATOR_HOST = emulatorHost;
    // Terminating a client whose query still retries an unreachable host rejects inside the
    // library, out of anyone's reach; this client is left to the test process's exit.
    unreachable.terminate = async () => undefined;
    const service = bus.create({ config: bus.config('unready'), firestore: unreachable });
    const res = await service.app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable' });
  });

  it('on shutdown stops accepting, finishes the delivery in flight, then closes', async () => {
    const service = bus.create({
      config: bus.config('provisioning-worker'),
      subscriptions: [
        countingSubscription({ beforeCommit: () => new Promise((r) => setTimeout(r, 800)) }),
      ],
    });
    const port = await service.listen();
    const allocationId = `alloc-${randomUUID()}`;
    const inFlight = fetch(`http://127.0.0.1:${port}/push/${REQUESTED}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(pushBody(event(REQUESTED, requestedPayload(allocationId)))),
    });
    await expect.poll(() => service.inFlight.size).toBe(1);
    const stopped = service.shutdown();

    // A push that reaches the instance once shutdown began is refused, for Pub/Sub to redeliver.
    const late = await postPush(
      service.app,
      REQUESTED,
      pushBody(event(REQUESTED, requestedPayload(`alloc-${randomUUID()}`))),
    );
    expect(late.status).toBe(503);
    expect(late.headers.get('connection')).toBe('close');

    expect((await inFlight).status).toBe(204);
    await stopped;
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    expect(
      (await bus.firestore.collection('allocations').doc(allocationId).get()).get('applied'),
    ).toBe(1);
  });

  it('shutdown while an effect runs past the grace period: cut in time, applied once after restart', async () => {
    const service = bus.create({
      config: bus.config('provisioning-worker', {
        SHUTDOWN_GRACE_SECONDS: '1',
        LEASE_SECONDS: '3',
      }),
      subscriptions: [providerSubscription({ effectMs: 6000 })],
    });
    const port = await service.listen();
    const allocationId = `alloc-${randomUUID()}`;
    const body = pushBody(event(REQUESTED, requestedPayload(allocationId)));
    const cut = fetch(`http://127.0.0.1:${port}/push/${REQUESTED}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(
      (res) => res.status,
      () => 'connection cut',
    );
    await expect.poll(() => service.inFlight.size).toBe(1);
    const started = Date.now();
    await service.shutdown();
    // The 1 s grace and the closing of clients, well before the 6 s effect would end.
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await cut).toBe('connection cut');

    // Pub/Sub redelivers; a new instance waits out the dead lease, then applies it once.
    const restarted = consumer(bus, [providerSubscription()], { LEASE_SECONDS: '3' });
    await expect
      .poll(async () => (await postPush(restarted.app, REQUESTED, body)).status, {
        timeout: 15_000,
        interval: 500,
      })
      .toBe(204);
    expect(
      (await bus.firestore.collection('allocations').doc(allocationId).get()).get('applied'),
    ).toBe(1);
  });

  it('starts on the emulators without a MetadataLookupWarning', () => {
    const run = (mode: string) =>
      spawnSync(
        process.execPath,
        [
          '--import',
          require.resolve('tsx'),
          new URL('./fixtures/quiet-service.ts', import.meta.url).pathname,
          mode,
        ],
        {
          env: { ...process.env, TEST_PROJECT_ID: bus.projectId },
          encoding: 'utf8',
          timeout: 150_000,
        },
      );
    const quiet = run('service-clients');
    expect(quiet.stdout.trim()).toBe('204');
    expect(quiet.stderr).not.toContain('MetadataLookupWarning');
    // The same without the emulator settings warns: the check above can see it.
    const noisy = run('plain-clients');
    expect(noisy.stderr).toContain('MetadataLookupWarning');
  }, 320_000);
});
