import { randomUUID } from 'node:crypto';
import {
  type DocumentReference,
  type Firestore,
  Timestamp,
  type Transaction,
} from '@google-cloud/firestore';
import {
  ContractError,
  type EventOf,
  type EventType,
  idempotencyKeyParts,
  parseEnvelope,
  subscriptionName,
} from '@gpuaas/contracts';
import type { Logger } from 'pino';
import { deadLetterMessage } from './dead-letter';
import { type DeadLetterReason, PermanentError } from './errors';
import { classifyFailure } from './failure';
import {
  type BlockingVerdict,
  type DedupeRecord,
  isBlocking,
  judgeRecord,
  type RecordVerdict,
} from './idempotency/dedupe-record';
import { dedupeRecordId, payloadHash } from './idempotency/record-key';
import type { Outbox } from './outbox/outbox';
import { encodeEvent, type OutgoingMessage, type Publisher } from './publisher';
import { decodeBase64, type PushMessage } from './push/push-body';
import type { AnySubscription, DeliveryInfo, HandlerContext } from './subscription';

export type DeliveryOutcome =
  | { status: 204; outcome: 'processed' | 'duplicate' | 'skipped' }
  | { status: 204; outcome: 'dead_lettered'; reason: DeadLetterReason; detail: string }
  | { status: 503; outcome: 'retry'; reason: string; detail: string };

export interface DeliveryOptions {
  firestore: Firestore;
  publisher: Publisher;
  outbox: Outbox;
  /** In-progress lease for `effect` subscriptions; below the subscription's ack deadline. */
  leaseMs: number;
  /** How long dedupe records live (Firestore TTL on `expire_at`). */
  retentionMs: number;
  idempotencyCollection?: string;
  now?: () => Date;
}

export type Deliver = (
  subscription: AnySubscription,
  message: PushMessage,
  log: Logger,
) => Promise<DeliveryOutcome>;

/** Whether `handle` committed, and if not, what the record said instead. */
interface Committed {
  done: boolean;
  verdict: RecordVerdict;
  emitted: OutgoingMessage[];
}

/** The share of the lease an effect may use before its signal aborts; the rest is commit time. */
const EFFECT_SHARE_OF_LEASE = 0.8;

const retry = (reason: string, error: unknown): DeliveryOutcome => ({
  status: 503,
  outcome: 'retry',
  reason,
  detail: error instanceof Error ? error.message : String(error),
});

const issuesText = (error: ContractError): string =>
  error.issues.length === 0
    ? error.message
    : error.issues.map((issue) => `${issue.path || '/'}: ${issue.message}`).join('; ');

/** The delivery pipeline behind every push route; HTTP-free so it reads as the semantics. */
export function createDeliver(options: DeliveryOptions): Deliver {
  const { firestore, publisher, outbox } = options;
  const now = options.now ?? (() => new Date());
  const records = firestore.collection(options.idempotencyCollection ?? 'idempotency_records');

  return async function deliver(subscription, message, log) {
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
        await publisher.send(letter);
      } catch (error) {
        // Never 204 without the dead letter in Pub/Sub: retrying keeps the event.
        return retry('dead_letter_publish_failed', error);
      }
      log.warn({ dlq_reason: reason, dlq_detail: detail }, 'event dead-lettered');
      return { status: 204, outcome: 'dead_lettered', reason, detail };
    };

    // The emulator ignores subscription filters, so a replay aimed elsewhere is skipped here too.
    const replayTarget = message.attributes.replay_target;
    if (replayTarget && replayTarget !== name) return { status: 204, outcome: 'skipped' };

    const data = decodeBase64(message.dataBase64);
    if (!data) {
      return deadLetter(
        Buffer.from(message.dataBase64),
        'not_base64',
        'message.data is not base64',
      );
    }
    const parsed = parseEnvelope(data, {
      accept: { [subscription.eventType]: subscription.versions },
    });
    if (!parsed.ok) return deadLetter(data, parsed.error.code, issuesText(parsed.error));
    const event = parsed.event as EventOf<EventType>;
    if (event.event_type !== subscription.eventType) {
      return deadLetter(
        data,
        'wrong_event_type',
        `${event.event_type} arrived on the route of ${subscription.eventType}`,
      );
    }

    let keyParts: string[];
    try {
      keyParts = idempotencyKeyParts(event.event_type, event.payload);
    } catch (error) {
      if (error instanceof ContractError) {
        return deadLetter(data, 'payload_invalid', issuesText(error));
      }
      throw error;
    }
    const idempotencyKey = keyParts.join(':');
    const recordId = dedupeRecordId(subscription.consumer, event.event_type, keyParts);
    const ref = records.doc(recordId);
    const hash = payloadHash(event.payload);
    const delivery: DeliveryInfo = {
      subscription: name,
      messageId: message.messageId,
      attempt: message.deliveryAttempt,
      idempotencyKey,
      recordId,
    };

    const recordFields = (state: DedupeRecord['state']) => ({
      consumer: subscription.consumer,
      event_type: event.event_type,
      idempotency_key: idempotencyKey,
      payload_hash: hash,
      state,
      event_id: event.event_id,
      updated_at: Timestamp.fromDate(now()),
      expire_at: Timestamp.fromMillis(now().getTime() + options.retentionMs),
    });

    const readRecord = async (tx: Transaction, owner?: string): Promise<RecordVerdict> => {
      const snap = await tx.get(ref);
      return judgeRecord(snap.data() as DedupeRecord | undefined, hash, now(), owner);
    };

    /**
     * Runs `handle` and commits its writes, its events and the completed record together.
     * Without `owner` (plain path) it proceeds on a new record; with one (lease path) only while
     * the lease is still its own.
     */
    const commit = async (effectResult: unknown, owner?: string): Promise<Committed> => {
      let emitted: OutgoingMessage[] = [];
      let verdict: RecordVerdict = { kind: 'new' };
      let done = false;
      await firestore.runTransaction(async (tx) => {
        // Fresh per attempt: Firestore re-runs this callback on contention.
        emitted = [];
        verdict = await readRecord(tx, owner);
        // The lease path commits only under its own lease; the plain path over any unblocked record.
        done =
          owner === undefined
            ? !isBlocking(verdict)
            : verdict.kind === 'new' || verdict.kind === 'owned';
        if (!done) return;
        const ctx: HandlerContext = {
          tx,
          firestore,
          log,
          delivery,
          emit(eventType, emittedPayload) {
            try {
              emitted.push(
                encodeEvent(eventType, emittedPayload, publisher.producer, {
                  correlationId: event.correlation_id,
                  causationId: event.event_id,
                }),
              );
            } catch (error) {
              if (error instanceof ContractError) {
                throw new PermanentError(
                  'handler_rejected',
                  `handler emitted an invalid ${eventType}: ${issuesText(error)}`,
                );
              }
              throw error;
            }
          },
        };
        await subscription.handle(event, ctx, effectResult);
        const outboxIds = outbox.stage(tx, emitted, recordId);
        tx.set(ref, {
          ...recordFields('completed'),
          attempts:
            verdict.kind === 'owned' || verdict.kind === 'lease_expired' ? verdict.attempts : 1,
          lease_owner: null,
          lease_until: null,
          outbox_ids: outboxIds,
          completed_at: Timestamp.fromDate(now()),
        } satisfies DedupeRecord);
      });
      return { done, verdict, emitted };
    };

    /** Outcomes of a record that is not ours to process now. */
    const settle = async (verdict: BlockingVerdict): Promise<DeliveryOutcome> => {
      switch (verdict.kind) {
        case 'duplicate':
          try {
            const redriven = await outbox.redrive(verdict.outboxIds);
            if (redriven > 0) log.info({ redriven }, 'outbox re-driven on redelivery');
          } catch (error) {
            return retry('outbox_publish_failed', error);
          }
          return { status: 204, outcome: 'duplicate' };
        case 'conflict':
          return deadLetter(
            data,
            'idempotency_conflict',
            `key ${idempotencyKey} was processed with a different payload (hash ${verdict.storedHash.slice(0, 12)})`,
          );
        case 'leased':
          return retry(
            'lease_held',
            `a concurrent delivery holds the lease until ${verdict.leaseUntil.toISOString()}`,
          );
      }
    };

    const publishAfterCommit = async (emitted: OutgoingMessage[]): Promise<DeliveryOutcome> => {
      try {
        await outbox.relay(emitted);
      } catch (error) {
        // Committed but unpublished: the redelivery (or the sweep) re-drives the outbox.
        return retry('outbox_publish_failed', error);
      }
      return { status: 204, outcome: 'processed' };
    };

    const afterCommit = async (result: Committed, owner?: string): Promise<DeliveryOutcome> => {
      if (result.done) return publishAfterCommit(result.emitted);
      const { verdict } = result;
      // A lease path that finds anyone else's lease (live or run out) has lost its own.
      if (isBlocking(verdict) && !(owner !== undefined && verdict.kind === 'leased')) {
        return settle(verdict);
      }
      return retry('lease_lost', 'the lease ran out and another delivery took it over');
    };

    const failure = (error: unknown): Promise<DeliveryOutcome> | DeliveryOutcome => {
      const failureClass = classifyFailure(error);
      if (failureClass.permanent) return deadLetter(data, failureClass.reason, failureClass.detail);
      return retry('handler_failed', error);
    };

    if (!subscription.effect) {
      try {
        return await afterCommit(await commit(undefined));
      } catch (error) {
        return failure(error);
      }
    }

    // Lease path: take the lease, call the outside system, then commit while the lease is ours.
    const owner = randomUUID();
    try {
      const verdict = await firestore.runTransaction(async (tx) => {
        const current = await readRecord(tx, owner);
        // 'owned': this transaction's own lease write committed before a retry re-ran it.
        if (isBlocking(current) || current.kind === 'owned') return current;
        tx.set(ref, {
          ...recordFields('in_progress'),
          attempts: current.kind === 'lease_expired' ? current.attempts + 1 : 1,
          lease_owner: owner,
          lease_until: Timestamp.fromMillis(now().getTime() + options.leaseMs),
          outbox_ids: [],
          completed_at: null,
        } satisfies DedupeRecord);
        return current;
      });
      if (isBlocking(verdict)) return await settle(verdict);
    } catch (error) {
      return retry('lease_failed', error);
    }

    let effectResult: unknown;
    try {
      effectResult = await subscription.effect(event, {
        firestore,
        log,
        delivery,
        signal: AbortSignal.timeout(Math.floor(options.leaseMs * EFFECT_SHARE_OF_LEASE)),
      });
    } catch (error) {
      await releaseLease(firestore, ref, owner).catch((releaseError: unknown) =>
        log.warn({ err: releaseError }, 'lease release failed; it expires on its own'),
      );
      return failure(error);
    }

    try {
      return await afterCommit(await commit(effectResult, owner), owner);
    } catch (error) {
      return failure(error);
    }
  };
}

/** Drops an in-progress record we still own, so the next attempt need not wait out the lease. */
async function releaseLease(firestore: Firestore, ref: DocumentReference, owner: string) {
  await firestore.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (snap.get('state') === 'in_progress' && snap.get('lease_owner') === owner) tx.delete(ref);
  });
}
