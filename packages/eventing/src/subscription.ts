import type { Firestore, Transaction } from '@google-cloud/firestore';
import {
  type ConsumerName,
  catalog,
  type EventOf,
  type EventType,
  supportedMajors,
} from '@gpuaas/contracts';
import type { Logger } from 'pino';
import type { TransactResult } from './outbox/producer';
import type { Emit } from './outbox/transact';

export interface DeliveryInfo {
  subscription: string;
  messageId: string;
  attempt?: number;
  /** The catalog idempotency key of the event (e.g. `alloc-1:2026-01-01T00:00:00Z`). */
  idempotencyKey: string;
  /** Stable id of this (consumer, event, key): pass it to outside systems as their idempotency key. */
  recordId: string;
}

/** What a handler sees inside the delivery transaction. */
export interface HandlerContext {
  /** Reads first, then writes: Firestore transactions require that order. */
  tx: Transaction;
  firestore: Firestore;
  /**
   * Queues an event; it commits with the transaction and is published after. Correlation and
   * causation default to the event being handled.
   */
  emit: Emit;
  log: Logger;
  delivery: DeliveryInfo;
}

/** What an `effect` sees: no transaction; it runs under the delivery's lease. */
export interface EffectContext {
  firestore: Firestore;
  log: Logger;
  delivery: DeliveryInfo;
  /** Aborts before the lease runs out: pass it to the outside call and stop when it fires. */
  signal: AbortSignal;
}

/** What a `followUp` sees: the event is applied; its own writes go through `transact`. */
export interface FollowUpContext {
  firestore: Firestore;
  log: Logger;
  delivery: DeliveryInfo;
  /** A producer transaction whose events carry this event's correlation and causation. */
  transact<R>(body: (tx: Transaction, emit: Emit) => Promise<R>): Promise<TransactResult<R>>;
  /**
   * Work that may go on after the delivery answered (a first outside attempt that must not hold
   * the push): shutdown waits for it within its grace period. Its failure is its own business.
   */
  waitUntil(work: Promise<unknown>): void;
}

/**
 * A consumer of one event type, as data. `handle` runs in one Firestore transaction with the
 * dedupe record and the outbox. `effect`, when given, calls an outside system first, under a
 * lease, with `delivery.recordId` as that system's idempotency key. `followUp`, when given, runs
 * after the event is applied — also on every duplicate, so it must be idempotent — for work that
 * must not contend inside the delivery transaction; if it fails, Pub/Sub redelivers.
 */
export interface Subscription<T extends EventType = EventType, R = unknown> {
  consumer: ConsumerName;
  eventType: T;
  /** Majors this consumer accepts; two during a dual-consume window. */
  versions: readonly number[];
  // Method syntax keeps parameters bivariant, so a Subscription<'x'> is a Subscription<EventType>.
  effect?(event: EventOf<T>, ctx: EffectContext): Promise<R>;
  handle(event: EventOf<T>, ctx: HandlerContext, effectResult: R): Promise<void> | void;
  followUp?(event: EventOf<T>, ctx: FollowUpContext): Promise<void>;
}

/** Any declared subscription, whatever its event type: what an app mounts. */
export type AnySubscription = Subscription<EventType, unknown>;

export interface SubscriptionOptions<T extends EventType, R> {
  consumer: ConsumerName;
  eventType: T;
  versions?: readonly number[];
  effect?: (event: EventOf<T>, ctx: EffectContext) => Promise<R>;
  handle: (event: EventOf<T>, ctx: HandlerContext, effectResult: R) => Promise<void> | void;
  followUp?: (event: EventOf<T>, ctx: FollowUpContext) => Promise<void>;
}

/** Declares a consumer; refuses pairs the catalog does not list, so topology and code agree. */
export function defineSubscription<T extends EventType, R = undefined>(
  options: SubscriptionOptions<T, R>,
): Subscription<T, R> {
  const entry = catalog[options.eventType];
  if (!entry) throw new Error(`unknown event type ${options.eventType}`);
  if (!(entry.consumers as readonly string[]).includes(options.consumer)) {
    throw new Error(
      `${options.consumer} is not a consumer of ${options.eventType} in the catalog (${entry.consumers.join(', ')})`,
    );
  }
  const known = supportedMajors(options.eventType);
  const versions = options.versions ?? known;
  for (const major of versions) {
    if (!known.includes(major)) {
      throw new Error(
        `${options.eventType} has no major version ${major} (known: ${known.join(', ')})`,
      );
    }
  }
  return { ...options, versions };
}
