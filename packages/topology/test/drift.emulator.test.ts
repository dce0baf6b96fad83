import type { PubSub } from '@google-cloud/pubsub';
import { CONSUMERS } from '@gpuaas/contracts';
import { pubsubClient, uniqueProjectId } from '@gpuaas/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apply,
  type Bus,
  deriveBus,
  localSettingsAt,
  plan,
  readBus,
  runCli,
  subscriptionMetadata,
} from '../src/index';

const NAME = 'platform.billing.low_balance_warning.notification-relay';

describe('drift on the Pub/Sub emulator', () => {
  const projectId = uniqueProjectId('topology-drift');
  let pubsub: PubSub;
  let bus: Bus;

  beforeAll(async () => {
    // Nothing is published here, so the endpoints need not listen.
    const urls = Object.fromEntries(
      [...CONSUMERS, 'replay'].map((name, i) => [name, `http://127.0.0.1:${9 + i}`]),
    );
    bus = deriveBus(localSettingsAt(urls));
    pubsub = pubsubClient(projectId);
    await apply(pubsub, bus);
  });

  afterAll(async () => {
    await pubsub?.close();
  });

  const desired = () => {
    const subscription = bus.subscriptions.find((s) => s.name === NAME);
    if (subscription === undefined) throw new Error(`${NAME} not in the bus`);
    return subscription;
  };

  it('updates a changed ack deadline and retry policy in place', async () => {
    await pubsub.subscription(NAME).setMetadata({
      ackDeadlineSeconds: 20,
      retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 5 } },
    });
    const [item, ...rest] = plan(bus, await readBus(pubsub));
    expect(rest).toEqual([]);
    expect(item).toMatchObject({
      action: 'update',
      name: NAME,
      changes: [
        { field: 'ackDeadlineSeconds', actual: '20', desired: '60' },
        { field: 'retryPolicy', actual: '1s..5s', desired: '10s..600s' },
      ],
    });
    const result = await apply(pubsub, bus);
    expect(result.applied).toHaveLength(1);
    expect(plan(bus, await readBus(pubsub))).toEqual([]);
  });

  it('reports a changed filter it cannot fix, and recreates only with recreate', async () => {
    await pubsub.subscription(NAME).delete();
    await pubsub.createSubscription(desired().topic, NAME, {
      ...subscriptionMetadata(pubsub, desired()),
      filter: 'attributes:something_else',
    });
    const first = await apply(pubsub, bus);
    expect(first.applied).toEqual([]);
    expect(first.unresolved).toMatchObject([
      {
        action: 'drift',
        name: NAME,
        reason: 'Pub/Sub cannot change filter of an existing subscription',
      },
    ]);
    const second = await apply(pubsub, bus, { recreate: true });
    expect(second.applied).toMatchObject([{ action: 'drift', name: NAME }]);
    expect(plan(bus, await readBus(pubsub))).toEqual([]);
  });

  it('says when only the emulator is in the way (expiration policy)', async () => {
    await pubsub.subscription(NAME).delete();
    const { expirationPolicy: _never, ...metadata } = subscriptionMetadata(pubsub, desired());
    await pubsub.createSubscription(desired().topic, NAME, metadata);
    const items = plan(bus, await readBus(pubsub));
    expect(items).toMatchObject([
      {
        action: 'drift',
        name: NAME,
        reason: 'the Pub/Sub emulator cannot update expirationPolicy of a subscription',
        changes: [{ field: 'expirationPolicy', actual: 'default', desired: 'never' }],
      },
    ]);
    await apply(pubsub, bus, { recreate: true });
    expect(plan(bus, await readBus(pubsub))).toEqual([]);
  });
});

describe('the CLI on the Pub/Sub emulator', () => {
  it('applies the local bus, then has nothing to do', async () => {
    const project = uniqueProjectId('topology-cli');
    const first: string[] = [];
    expect(
      await runCli(['apply', '--env', 'local', '--project', project], (line) => first.push(line)),
    ).toBe(0);
    expect(first[0]).toBe(
      `apply local bus in project ${project} on the emulator at ${process.env.PUBSUB_EMULATOR_HOST}`,
    );
    expect(first.join('\n')).toContain('+ subscription platform.payments.reconcile_failed.ops');
    expect(first.join('\n')).toContain(
      'http://127.0.0.1:8083/ops/push/platform.payments.reconcile_failed',
    );

    const second: string[] = [];
    expect(await runCli(['plan', '--project', project], (line) => second.push(line))).toBe(0);
    expect(second.slice(1)).toEqual(['Nothing to do: the bus matches the catalog.']);
  });
});
