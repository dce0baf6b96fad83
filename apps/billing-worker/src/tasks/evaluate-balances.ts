import { defineTask, describeError } from '@gpuaas/eventing';
import type { BillingContext } from '../billing/billing-context';
import { evaluateBalance, type Transact } from '../billing/evaluate-balance';
import { mapLimit } from '../billing/map-limit';
import { rateHeldUsage } from '../billing/rate-held-usage';
import { formatInstant, instantOfDate } from '../domain/instants';
import { usersNotOk } from '../store/balance-states';
import { heldBefore } from '../store/held-usage';
import { usersWithOpenWindows } from '../store/usage-windows';

const HELD_SWEEP_BATCH = 100;

/**
 * `POST /tasks/evaluate-balances` (every minute): the balance falls between meter events and
 * credits arrive without one, so every user with an open window or outside `ok` is evaluated.
 * Each evaluation is its own idempotent transaction: a tick that runs twice, late or beside a
 * delivery commits each transition once. It also rates held usage whose window opened, should
 * the opening's follow-up have been lost.
 */
export const evaluateBalancesTask = (context: BillingContext) =>
  defineTask({
    name: 'evaluate-balances',
    async run({ runtime, log }) {
      const { firestore } = runtime;
      const now = context.now();
      const transact: Transact = (body) =>
        runtime.producer.transact(body, {
          correlationId: `evaluate-balances:${formatInstant(instantOfDate(now))}`,
        });

      const keys = new Map<string, { user_id: string; currency: string }>();
      for await (const source of [usersWithOpenWindows(firestore), usersNotOk(firestore)]) {
        for await (const key of source) keys.set(`${key.user_id}|${key.currency}`, key);
      }
      const evaluations = await mapLimit(
        [...keys.values()],
        context.settings.evaluateConcurrency,
        (key) => evaluateBalance(firestore, context, transact, key, log),
      );

      const stale = new Date(now.getTime() - context.settings.heldSweepAfterSeconds * 1000);
      const held = await heldBefore(firestore, stale, HELD_SWEEP_BATCH);
      const allocations = [...new Set(held.map((h) => h.allocation_id))];
      const heldRatings = await mapLimit(allocations, context.settings.evaluateConcurrency, (id) =>
        rateHeldUsage(firestore, transact, id, context.settings.ledgerCollectionPrefix, log),
      );

      const failures = [...evaluations, ...heldRatings].filter((r) => r.status === 'rejected');
      const summary = {
        evaluated: evaluations.length,
        transitions: evaluations.filter(
          (r) => r.status === 'fulfilled' && r.value.outcome === 'transitioned',
        ).length,
        held_rated: heldRatings.reduce(
          (n, r) => n + (r.status === 'fulfilled' ? r.value.rated : 0),
          0,
        ),
        failed: failures.length,
      };
      if (failures.length > 0) {
        const first = failures[0] as PromiseRejectedResult;
        // A throw answers 503, so Cloud Scheduler retries; what succeeded is not redone.
        throw new Error(
          `${failures.length} evaluations failed, first: ${describeError(first.reason)}`,
        );
      }
      return summary;
    },
  });
