import { replayFilter } from '@gpuaas/contracts';
import { describe, expect, it } from 'vitest';
import type { ActualBus, ActualSubscription } from './actual-bus';
import { busSubscriptions, busTopics, deriveBus } from './derive-bus';
import { readEnvironmentFile } from './environment-file';
import { formatPlan } from './format-plan';
import { plan, RECREATE_DROPS, TERRAFORM_REPLACES } from './plan';
import { resolveEnvironment } from './resolve-environment';

const bus = deriveBus(resolveEnvironment(readEnvironmentFile('local')).settings);

/** What Pub/Sub would report after a perfect apply. */
function matching(target: ActualBus['target']): ActualBus {
  return {
    target,
    topics: busTopics(bus),
    subscriptions: busSubscriptions(bus).map(
      (s): ActualSubscription => ({
        name: s.name,
        topic: s.topic,
        pushEndpoint: s.pushEndpoint ?? '',
        pushAuth: s.pushAuth,
        ackDeadlineSeconds: s.ackDeadlineSeconds,
        retryPolicy: s.retryPolicy,
        filter: s.filter,
        deadLetterPolicy: s.deadLetterPolicy,
        neverExpires: true,
      }),
    ),
  };
}

function withChange(
  target: ActualBus['target'],
  name: string,
  change: Partial<ActualSubscription>,
): ActualBus {
  const actual = matching(target);
  actual.subscriptions = actual.subscriptions.map((s) =>
    s.name === name ? { ...s, ...change } : s,
  );
  return actual;
}

const NAME = 'gpuaas.provisioning.active.billing-worker';

describe('plan', () => {
  it('creates everything on an empty project, every topic before any subscription', () => {
    const items = plan(bus, { target: 'project', topics: [], subscriptions: [] });
    const kinds = items.map((item) => `${item.action} ${item.resource}`);
    expect(kinds.filter((k) => k === 'create topic')).toHaveLength(
      bus.topics.length + bus.deadLetterTopics.length,
    );
    expect(kinds.lastIndexOf('create topic')).toBeLessThan(kinds.indexOf('create subscription'));
    expect(kinds.filter((k) => k === 'create subscription')).toHaveLength(
      bus.subscriptions.length + bus.archiveSubscriptions.length,
    );
  });

  it('has nothing to do when everything matches', () => {
    expect(plan(bus, matching('project'))).toEqual([]);
    expect(formatPlan([])).toBe('Nothing to do: the bus matches the catalog.');
  });

  it('updates fields Pub/Sub can change in place', () => {
    const items = plan(
      bus,
      withChange('emulator', NAME, { ackDeadlineSeconds: 10, deadLetterPolicy: undefined }),
    );
    expect(items).toMatchObject([
      {
        action: 'update',
        name: NAME,
        changes: [
          { field: 'ackDeadlineSeconds', actual: '10', desired: '60' },
          {
            field: 'deadLetterPolicy',
            actual: 'none',
            desired: 'billing-worker.dlq after 10 attempts',
          },
        ],
      },
    ]);
    expect(formatPlan(items)).toBe(
      [
        `~ subscription ${NAME}`,
        '    ackDeadlineSeconds: 10 -> 60',
        '    deadLetterPolicy: none -> billing-worker.dlq after 10 attempts',
        'Plan: 0 to create, 1 to update, 0 drifted.',
      ].join('\n'),
    );
  });

  it('reports drift of immutable fields, saying who cannot change them', () => {
    const filter = plan(bus, withChange('project', NAME, { filter: '' }));
    expect(filter).toMatchObject([
      { action: 'drift', reason: 'Pub/Sub cannot change filter of an existing subscription' },
    ]);
    const expiry = plan(bus, withChange('emulator', NAME, { neverExpires: false }));
    expect(expiry).toMatchObject([
      {
        action: 'drift',
        reason: 'the Pub/Sub emulator cannot update expirationPolicy of a subscription',
      },
    ]);
    // A real project updates the expiration policy in place.
    expect(plan(bus, withChange('project', NAME, { neverExpires: false }))).toMatchObject([
      { action: 'update' },
    ]);
    expect(formatPlan(expiry)).toContain('run apply with --recreate');
  });

  it('says before it happens that a filter change makes Terraform replace the subscription and drop its backlog', () => {
    const items = plan(bus, withChange('project', NAME, { filter: 'attributes.x = "y"' }));
    expect(items).toMatchObject([{ action: 'drift', consequence: TERRAFORM_REPLACES }]);
    const text = formatPlan(items);
    expect(text).toContain(`! subscription ${NAME}: Pub/Sub cannot change filter`);
    expect(text).toMatch(/terraform apply will replace it .* drop its backlog/);
    expect(text).toContain(`    filter: attributes.x = "y" -> ${replayFilter(NAME)}`);
    // On the emulator, the same drift is the topology's own apply --recreate to make.
    const local = plan(bus, withChange('emulator', NAME, { filter: '' }));
    expect(local).toMatchObject([{ action: 'drift', consequence: RECREATE_DROPS }]);
  });
});
