import { randomUUID } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import { subscriptionName } from '@gpuaas/contracts';
import type { Logger } from 'pino';
import { deadLetterMessage } from '../dead-letter';
import { describeError } from '../describe-error';
import { type DeadLetterReason, PermanentError, UnpublishableEventError } from '../errors';
import { classifyFailure } from '../failure';
import { type BlockingVerdict, isBlocking, type RecordVerdict } from '../idempotency/dedupe-record';
import type { DedupeStore } from '../idempotency/dedupe-store';
import type { Outbox, StagedEntries } from '../outbox/outbox';
import type { Producer } from '../outbox/producer';
import { type Emit, runOutboxTransaction } from '../outbox/transact';
import type { Publisher } from '../publisher';
import type { AnySubscription, DeliveryInfo, HandlerContext } from '../subscription';
import { inSpan } from '../tracing/trace-context';
import type { PushMessage } from '../wire/push-message';
import { Deadline } from './deadline';
import { decodeDelivery } from './decode';
import { type DeliveryOutcome, retry } from './outcome';

export interface DeliveryOptions {
  firestore: Firestore;
  publisher: Publisher;
  outbox: Outbox;
  dedupe: DedupeStore;
  producer: Producer;
  /** In-progress lease for `effect` subscriptions; below the subscription's ack deadline. */
  leaseMs: number;
  /** Time a delivery may take before it answers 503 (below the ack deadline). */
  budgetMs: number;
  /** Work that outlived its delivery's answer (a late transaction); shutdown waits for it. */
  track?: (late: Promise<unknown>) => void;
  /** True once the service closed its clients: a delivery still running stops before its next step. */
  isClosed?: () => boolean;
  now?: () => Date;
}

export type Deliver = (
  subscription: AnySubscription,
  message: PushMessage,
  log: Logger,
) => Promise<DeliveryOutcome>;

/** The share of the lease an effect may use before its signal aborts; the rest is commit time. */
const EFFECT_SHARE_OF_LEASE = 0.8;

/** Whether `handle` committed, and if not, what the record said instead. */
interface Committed {
  done: boolean;
  verdict: RecordVerdict;
  staged: StagedEntries;
}

/** The delivery pipeline behind every push route: decode, dedupe, handle, commit, publish. */
export function createDeliver(options: DeliveryOptions): Deliver {
  const { firestore, publisher, outbox, dedupe } = options;
  const now = options.now ?? (() => new Date());

  return async function deliver(subscription, message, log) {
    const deadline = Deadline.in(options.budgetMs);
    const name =
      message.subscription ?? subscriptionName(subscription.eventType, subscription.consumer);

    const deadLetter = async (
      data: Buffer,
      reason: DeadLetterReason,
      detail: string,
    ): Promise<DeliveryOutcome> => {
      const letter = deadLetterMessage(
        subscription.consumer,
        name,
        message,
        data,
        reason,
        detail,
        now(),
      );
      try {
        await deadline.race(publisher.send(letter), 'dead-letter publish');
      } catch (error) {
        // Never 204 without the dead letter in Pub/Sub: retrying keeps the event.
        return retry('dead_letter_publish_failed', describeError(error));
      }
      log.warn({ dlq_reason: reason, dlq_detail: detail }, 'event dead-lettered');
      return { outcome: 'dead_lettered', reason, detail };
    };

    // The emulator ignores subscription filters, so a replay aimed elsewhere is skipped here too.
    const replayTarget = message.attributes.replay_target;
    if (replayTarget && replayTarget !== name) return { outcome: 'skipped' };

    const decoded = decodeDelivery(subscription, message, name);
    if (!decoded.ok) return deadLetter(decoded.data, decoded.reason, decoded.detail);
    const { data, event, key } = decoded;
    const delivery: DeliveryInfo = {
      subscription: name,
      messageId: message.messageId,
      attempt: message.deliveryAttempt,
      idempotencyKey: key.idempotencyKey,
      recordId: key.recordId,
    };

    const failure = (error: unknown): Promise<DeliveryOutcome> | DeliveryOutcome => {
      const failureClass = classifyFailure(error);
      if (failureClass.permanent) return deadLetter(data, failureClass.reason, failureClass.detail);
      return retry(failureClass.reason, failureClass.detail);
    };

    /**
     * Runs `handle` and commits its writes, its events and the completed record together.
     * Without `owner` (plain path) it proceeds over any unblocked record; with one (lease path)
     * only while the lease is still its own.
     */
    const commit = async (effectResult: unknown, owner?: string): Promise<Committed> => {
      const { result, staged } = await inSpan('firestore.transaction', {}, () =>
        runOutboxTransaction(
          {
            firestore,
            publisher,
            outbox,
            context: { correlationId: event.correlation_id, causationId: event.event_id },
            source: key.recordId,
          },
          async (tx, emitter) => {
            const verdict = await dedupe.judge(tx, key, owner);
            const done =
              owner === undefined
                ? !isBlocking(verdict)
                : verdict.kind === 'new' || verdict.kind === 'owned';
            if (!done) return { done, verdict };
            const ctx: HandlerContext = {
              tx,
              firestore,
              log,
              delivery,
              emit: refusingUnpublishable(emitter.emit),
            };
            await inSpan(
              `handle ${event.event_type}`,
              { 'gpuaas.consumer': key.consumer },
              async () => subscription.handle(event, ctx, effectResult),
            );
            const outboxIds = emitter.messages().map((m) => m.attributes.event_id ?? '');
            dedupe.complete(tx, key, { verdict, outboxIds });
            return { done, verdict };
          },
        ),
      );
      return { ...result, staged };
    };

    const applied = async (outcome: DeliveryOutcome): Promise<DeliveryOutcome> => {
      const { followUp } = subscription;
      if (!followUp) return outcome;
      try {
        await inSpan(`follow-up ${event.event_type}`, {}, () =>
          followUp(event, {
            firestore,
            log,
            delivery,
            transact: (body) =>
              options.producer.transact(body, {
                correlationId: event.correlation_id,
                causationId: event.event_id,
              }),
            waitUntil: (work) => options.track?.(work.catch(() => undefined)),
          }),
        );
      } catch (error) {
        const failed = classifyFailure(error);
        return retry(`follow_up_${failed.reason}`, failed.detail);
      }
      return outcome;
    };

    /** Outcomes of a record that is not ours to process now. */
    const settle = async (verdict: BlockingVerdict): Promise<DeliveryOutcome> => {
      switch (verdict.kind) {
        case 'duplicate':
          try {
            const redriven = await outbox.redrive(verdict.outboxIds);
            if (redriven.published > 0) {
              log.info({ redriven: redriven.published }, 'outbox re-driven on redelivery');
            }
          } catch (error) {
            return retry('outbox_publish_failed', describeError(error));
          }
          return applied({ outcome: 'duplicate' });
        case 'conflict':
          return deadLetter(
            data,
            'idempotency_conflict',
            `key ${key.idempotencyKey} was processed with a different payload (hash ${verdict.storedHash.slice(0, 12)})`,
          );
        case 'leased':
          return retry(
            'lease_held',
            `a concurrent delivery holds the lease until ${verdict.leaseUntil.toISOString()}`,
          );
      }
    };

    const afterCommit = async (result: Committed, owner?: string): Promise<DeliveryOutcome> => {
      if (result.done) {
        try {
          if (result.staged.messages.length > 0) {
            await inSpan('outbox.relay', { 'gpuaas.events': result.staged.messages.length }, () =>
              outbox.relay(result.staged),
            );
          }
        } catch (error) {
          // Committed but unpublished: the redelivery (or the sweep) re-drives the outbox.
          return retry('outbox_publish_failed', describeError(error));
        }
        return applied({ outcome: 'processed' });
      }
      const { verdict } = result;
      // A lease path that finds anyone else's lease (live or run out) has lost its own.
      if (isBlocking(verdict) && !(owner !== undefined && verdict.kind === 'leased')) {
        return settle(verdict);
      }
      return retry('lease_lost', 'the lease ran out and another delivery took it over');
    };

    /** Commit and publish within the delivery's time, or answer 503 and let the work finish. */
    const commitInTime = async (effectResult: unknown, owner?: string) => {
      if (options.isClosed?.()) {
        return retry('shutting_down', 'the service closed its clients during the delivery');
      }
      try {
        return await deadline.race(
          commit(effectResult, owner).then((result) => afterCommit(result, owner)),
          'delivery transaction',
          options.track,
        );
      } catch (error) {
        return failure(error);
      }
    };

    if (!subscription.effect) return commitInTime(undefined);

    // Lease path: take the lease, call the outside system, then commit while the lease is ours.
    const owner = randomUUID();
    const leaseUntil = new Date(now().getTime() + options.leaseMs);
    try {
      const verdict = await deadline.race(
        dedupe.lease(key, owner, leaseUntil),
        'lease transaction',
        options.track,
      );
      if (isBlocking(verdict)) return await settle(verdict);
    } catch (error) {
      const failed = classifyFailure(error);
      return retry('lease_failed', `${failed.reason}: ${failed.detail}`);
    }

    // The effect stops before the lease it wrote runs out, leaving the rest for the commit.
    const reserveMs = options.leaseMs * (1 - EFFECT_SHARE_OF_LEASE);
    const effectMs = Math.max(0, leaseUntil.getTime() - now().getTime() - reserveMs);
    let effectResult: unknown;
    const signal = AbortSignal.timeout(Math.floor(Math.min(effectMs, deadline.remainingMs())));
    try {
      const { effect } = subscription;
      const running = inSpan(
        `effect ${event.event_type}`,
        { 'gpuaas.record_id': key.recordId },
        () => effect(event, { firestore, log, delivery, signal }),
      );
      if (await deadline.outlivedBy(running)) {
        // The outside call may still be under way: the lease stays until it runs out, so no retry
        // starts a second call meanwhile, and shutdown waits for the call.
        options.track?.(running.catch(() => undefined));
        return retry('effect_overran', 'the effect ignored its signal and outlived the delivery');
      }
      effectResult = await running;
    } catch (error) {
      if (!options.isClosed?.()) {
        await releaseQuietly(deadline.race(dedupe.release(key, owner), 'lease release'), log);
      }
      return failure(error);
    }
    return commitInTime(effectResult, owner);
  };
}

/** An emitted event Pub/Sub would refuse is the handler's bug: it must not commit. */
function refusingUnpublishable(emit: Emit): Emit {
  return (eventType, payload, emitOptions) => {
    try {
      return emit(eventType, payload, emitOptions);
    } catch (error) {
      if (error instanceof UnpublishableEventError) {
        throw new PermanentError('emit_invalid', error.message, { cause: error });
      }
      throw error;
    }
  };
}

async function releaseQuietly(release: Promise<void>, log: Logger) {
  try {
    await release;
  } catch (error) {
    log.warn({ err: error }, 'lease release failed; it expires on its own');
  }
}
