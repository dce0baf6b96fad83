import { randomUUID } from 'node:crypto';
import { describeError } from '@gpuaas/eventing';
import type { ReplayContext } from '../app-context';
import { sentData } from '../browse/assess';
import { replayAttributes } from '../domain/letter-attributes';
import { batchSize, releaseAt } from '../domain/rate-limit';
import type { DeadLetterRecord } from '../store/dead-letter-record';
import type { Published, Unpublished } from '../store/replay-store';

export type DriveOutcome = 'finished' | 'busy' | 'handed_over' | 'lost' | 'missing';

const DAY_MS = 86_400_000;

/**
 * Runs replays from their Firestore state, one runner per replay at a time (a lease): claim a
 * batch of parked entries, wait for the rate, publish, record what Pub/Sub confirmed. A runner
 * that dies leaves a lease that runs out; the next one releases its claims and goes on.
 */
export function createReplayRunner(ctx: Omit<ReplayContext, 'runner'>) {
  const { runtime, config } = ctx;
  const { replays } = ctx;
  const leaseMs = config.replay.runnerLeaseSeconds * 1000;
  const driving = new Map<string, Promise<unknown>>();
  let stopping = false;
  let wake: (() => void) | undefined;
  /** Waits, but wakes early when the service stops. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, ms));
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const publish = async (replayId: string, record: DeadLetterRecord, count: number) => {
    const revision = record.revisions.find((r) => r.revision === record.current_revision);
    const data = await ctx.data.get(record.id, sentData(record));
    const attributes = replayAttributes(record.attributes, {
      target: record.source_subscription,
      replayId,
      count,
      entryId: record.id,
      ...(revision
        ? {
            revision: revision.revision,
            overrides: { event_id: revision.event_id, idempotency_key: revision.idempotency_key },
          }
        : {}),
    });
    return runtime.publisher.send({ topic: record.topic as string, data, attributes });
  };

  async function drive(replayId: string, budgetMs: number): Promise<DriveOutcome> {
    const owner = randomUUID();
    const begun = Date.now();
    const leaseUntil = () => new Date(ctx.now().getTime() + leaseMs);
    const lease = await replays.takeLease(replayId, owner, leaseUntil(), ctx.now());
    if (lease.kind !== 'taken') return lease.kind === 'finished' ? 'finished' : lease.kind;
    await replays.releaseClaims(replayId, owner, ctx.now());
    // The plan is read once: only the lease holder changes it. Entries claimed by a runner that
    // died are still pending in it.
    const planned = await replays.planned(replayId);
    const chunkOf = new Map(planned.map((item) => [item.entryId, item.chunk]));
    const queue = planned.filter((item) => item.state === 'pending');
    let next = 0;
    const startMs = Date.now();
    let sent = 0;
    // The previous batch is confirmed while the next one is claimed and published.
    let confirming: Promise<void> | undefined;
    const settled = async () => {
      if (confirming) await confirming;
      confirming = undefined;
      return true;
    };
    for (;;) {
      const replay = await replays.renew(replayId, owner, leaseUntil());
      if (!replay) return 'lost';
      if (replay.status === 'cancelling') {
        if (!(await settled())) return 'lost';
        await replays.releaseClaims(replayId, owner, ctx.now());
        await replays.finish(replayId, owner, 'cancelled', 'cancelled by an operator', ctx.now());
        return 'finished';
      }
      const windowMs = config.eventing.replayWindowDays * DAY_MS;
      if (ctx.now().getTime() - replay.created_at.toMillis() > windowMs) {
        if (!(await settled())) return 'lost';
        await replays.finish(
          replayId,
          owner,
          'failed',
          'replay_window_exceeded: REPLAY_WINDOW_DAYS passed',
          ctx.now(),
        );
        return 'finished';
      }
      if (stopping || Date.now() - begun > budgetMs) {
        if (!(await settled())) return 'lost';
        await replays.release(replayId, owner);
        return 'handed_over';
      }
      const rate = replay.options.rate_per_second;
      const batch = queue.slice(next, next + batchSize(rate));
      next += batch.length;
      if (batch.length === 0) {
        if (!(await settled())) return 'lost';
        await replays.finish(replayId, owner, 'completed', null, ctx.now());
        return 'finished';
      }
      const { claimed } = await replays.claim(
        replayId,
        batch,
        ctx.now(),
        replay.options.max_replay_count,
      );
      if (claimed.length === 0) continue;
      await pause(releaseAt(startMs, sent, claimed.length, rate) - Date.now());
      sent += claimed.length;
      const results = await Promise.allSettled(
        claimed.map(async ({ record }) => {
          // Taken before the publish: whatever the replay causes happens after it.
          const at = ctx.now();
          const messageId = await publish(replayId, record, record.replay_count + 1);
          return { messageId, at };
        }),
      );
      const published: Published[] = [];
      const unpublished: Unpublished[] = [];
      results.forEach((result, i) => {
        const entryId = claimed[i]?.record.id as string;
        if (result.status === 'fulfilled') published.push({ entryId, ...result.value });
        else unpublished.push({ entryId, error: describeError(result.reason) });
      });
      if (!(await settled())) return 'lost';
      confirming = replays.confirm(
        replayId,
        replay.created_by,
        published,
        unpublished,
        ctx.now(),
        chunkOf,
      );
      if (unpublished.length > 0) {
        if (!(await settled())) return 'lost';
        const first = unpublished[0];
        await replays.finish(
          replayId,
          owner,
          'failed',
          `publish_failed: ${unpublished.length} of ${claimed.length} refused (${first?.error ?? ''}); the rest stays parked`,
          ctx.now(),
        );
        return 'finished';
      }
    }
  }

  return {
    drive,
    /** Every active replay, one after the other, within the budget (the scheduler's task). */
    async driveActive(budgetMs: number) {
      const begun = Date.now();
      const outcomes: Record<string, DriveOutcome> = {};
      for (const id of await replays.active()) {
        const left = budgetMs - (Date.now() - begun);
        if (left <= 0 || stopping) break;
        const run = drive(id, left);
        driving.set(`task:${id}`, run);
        try {
          outcomes[id] = await run;
        } finally {
          driving.delete(`task:${id}`);
        }
      }
      return outcomes;
    },
    /** Drives a replay in the background of the request that started or changed it. */
    kick(replayId: string): void {
      if (stopping || driving.has(replayId)) return;
      const run = drive(replayId, Number.POSITIVE_INFINITY)
        .catch((error: unknown) => {
          runtime.logger.warn(
            { replay_id: replayId, err: describeError(error) },
            'replay drive stopped; the run-replays task resumes it',
          );
        })
        .finally(() => driving.delete(replayId));
      driving.set(replayId, run);
    },
    /** Stops every drive at its next step, handing its lease back, before the clients close. */
    async stop(): Promise<void> {
      stopping = true;
      wake?.();
      await Promise.allSettled([...driving.values()]);
    },
  };
}

export type ReplayRunner = ReturnType<typeof createReplayRunner>;
