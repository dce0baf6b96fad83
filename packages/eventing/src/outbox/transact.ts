import { randomUUID } from 'node:crypto';
import type { Firestore, Transaction } from '@google-cloud/firestore';
import type { EventType, PayloadOf } from '@gpuaas/contracts';
import { encodeEvent, type OutgoingMessage, type Publisher } from '../publisher';
import type { Outbox, StagedEntries } from './outbox';

/** Causality stamped on every event a transaction emits, unless an emit says otherwise. */
export interface EmitContext {
  correlationId: string;
  causationId?: string;
}

export interface EmitOptions extends Partial<EmitContext> {
  occurredAt?: Date | string;
}

/** What an emit returns: enough to store a reference to the event in the same transaction. */
export interface EmittedEvent {
  event_id: string;
  event_type: EventType;
  idempotency_key: string;
}

/** Queues an event in the transaction; it commits with it and is published after. */
export type Emit = <E extends EventType>(
  eventType: E,
  payload: PayloadOf<E>,
  options?: EmitOptions,
) => EmittedEvent;

/** Collects one transaction attempt's events; a retried attempt starts a fresh one. */
export interface Emitter {
  emit: Emit;
  messages(): readonly OutgoingMessage[];
}

export function createEmitter(publisher: Publisher, context: EmitContext): Emitter {
  const messages: OutgoingMessage[] = [];
  return {
    emit(eventType, payload, options = {}) {
      const message = encodeEvent(eventType, payload, publisher.producer, {
        correlationId: options.correlationId ?? context.correlationId,
        causationId: options.causationId ?? context.causationId,
        occurredAt: options.occurredAt,
      });
      messages.push(message);
      const { event_id = '', idempotency_key = '' } = message.attributes;
      return { event_id, event_type: eventType, idempotency_key };
    },
    messages: () => messages,
  };
}

export interface OutboxTransactionOptions {
  firestore: Firestore;
  publisher: Publisher;
  outbox: Outbox;
  context: EmitContext;
  /** What the entries are committed with: a dedupe record id, or a producer transaction's. */
  source: string;
  maxAttempts?: number;
}

/**
 * Runs `body` in one Firestore transaction and stages what it emits in the outbox, claimed by
 * this run, in the same commit. The one implementation behind a delivery's `ctx.emit` and a
 * producer's `transact`: state and events commit together or not at all.
 */
export async function runOutboxTransaction<R>(
  options: OutboxTransactionOptions,
  body: (tx: Transaction, emitter: Emitter) => Promise<R>,
): Promise<{ result: R; staged: StagedEntries }> {
  const owner = randomUUID();
  let staged: StagedEntries = { owner, messages: [] };
  const result = await options.firestore.runTransaction(
    async (tx) => {
      // Fresh per attempt: Firestore re-runs this callback on contention.
      const emitter = createEmitter(options.publisher, options.context);
      const value = await body(tx, emitter);
      const messages = emitter.messages();
      options.outbox.stage(tx, messages, options.source, owner);
      staged = { owner, messages };
      return value;
    },
    options.maxAttempts === undefined ? undefined : { maxAttempts: options.maxAttempts },
  );
  return { result, staged };
}
