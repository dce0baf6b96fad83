import type { PubSub } from '@google-cloud/pubsub';
import { readBus } from './actual-bus';
import type { Bus, PushSubscription } from './bus';
import { busSubscriptions } from './derive-bus';
import { formatPlan } from './format-plan';
import { type PlanItem, plan } from './plan';
import { subscriptionMetadata, subscriptionUpdate } from './subscription-metadata';
import { TopologyError } from './topology-error';

export interface ApplyOptions {
  /** Deletes and recreates drifted subscriptions (their unacknowledged messages are lost). */
  recreate?: boolean;
  /** Receives the plan and one line per change; default: nothing. */
  log?: (line: string) => void;
  /** Parallel Pub/Sub calls per phase; default 8. */
  concurrency?: number;
}

export interface ApplyResult {
  planned: PlanItem[];
  applied: PlanItem[];
  /** Drift left in place: rerun with `recreate`. */
  unresolved: PlanItem[];
}

const ALREADY_EXISTS = 6;

async function inParallel<T>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await run(item);
  });
  await Promise.all(workers);
}

async function tolerateExisting(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    // Someone else created it between our list and our create: the goal is met.
    if ((error as { code?: number }).code !== ALREADY_EXISTS) throw error;
  }
}

/** Where the bus of a real project is deployed from, with the IAM `apply` does not grant. */
export const PROJECT_DEPLOY_PATHS =
  'Terraform (infra/terraform/environments/<env>) or infra/gcloud/deploy-bus.sh';

/**
 * Makes the emulator hold the bus: creates what is missing, topics first, updates what can change
 * in place, and reports drift it may not fix unless `recreate` is set. Idempotent: a second run
 * plans nothing.
 *
 * Refuses a real project: there dead-lettering also needs IAM (the Pub/Sub service agent as
 * publisher on every `<consumer>.dlq` and subscriber on every subscription, token creator on the
 * push account, the push account as Cloud Run invoker), which this client cannot grant in full,
 * and a bus without it drops dead letters silently. `plan` (read-only) works on both.
 */
export async function apply(
  pubsub: PubSub,
  desired: Bus,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  if (!pubsub.isEmulator) {
    throw new TopologyError(
      'apply_unsupported',
      `apply only targets the Pub/Sub emulator; deploy a project's bus with ${PROJECT_DEPLOY_PATHS}, ` +
        'which also grant the IAM dead-lettering and push auth need (plan stays available to compare)',
    );
  }
  const log = options.log ?? (() => {});
  const limit = options.concurrency ?? 8;
  const unresolvedEndpoints = busSubscriptions(desired).filter((s) => s.pushEndpoint === undefined);
  if (unresolvedEndpoints.length > 0) {
    const names = unresolvedEndpoints.map((s) => s.name).join(', ');
    throw new TopologyError('base_url_missing', `no push endpoint for ${names}: set the base URLs`);
  }
  const planned = plan(desired, await readBus(pubsub));
  log(formatPlan(planned));
  const applied: PlanItem[] = [];
  const unresolved: PlanItem[] = [];
  const create = (subscription: PushSubscription) =>
    pubsub.createSubscription(
      subscription.topic,
      subscription.name,
      subscriptionMetadata(pubsub, subscription),
    );

  try {
    // Topics (event and dead-letter) must exist before any subscription names them.
    await inParallel(
      planned.filter((item) => item.action === 'create' && item.resource === 'topic'),
      limit,
      async (item) => {
        await tolerateExisting(pubsub.createTopic(item.name));
        log(`created topic ${item.name}`);
        applied.push(item);
      },
    );
    await inParallel(planned, limit, async (item) => {
      if (item.resource !== 'subscription') return;
      if (item.action === 'create') {
        await tolerateExisting(create(item.subscription));
        log(`created subscription ${item.name}`);
        applied.push(item);
      } else if (item.action === 'update') {
        const full = subscriptionMetadata(pubsub, item.subscription);
        await pubsub.subscription(item.name).setMetadata(subscriptionUpdate(full, item.changes));
        log(`updated subscription ${item.name} (${item.changes.map((c) => c.field).join(', ')})`);
        applied.push(item);
      } else if (options.recreate) {
        await pubsub.subscription(item.name).delete();
        await create(item.subscription);
        log(`recreated subscription ${item.name}`);
        applied.push(item);
      } else {
        log(`not fixed: ${item.name}: ${item.reason}; rerun with --recreate`);
        unresolved.push(item);
      }
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new TopologyError(
      'pubsub_failed',
      `apply stopped after ${applied.length} changes: ${message}`,
      {
        cause: error,
      },
    );
  }
  return { planned, applied, unresolved };
}
