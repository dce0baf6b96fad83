import { randomUUID } from 'node:crypto';
import type { Firestore, Transaction } from '@google-cloud/firestore';
import type { Logger } from 'pino';
import type { Publisher } from '../publisher';
import { inSpan, spanContextOfTraceparent } from '../tracing/trace-context';
import type { Outbox } from './outbox';
import { type Emit, type EmitContext, runOutboxTransaction } from './transact';

export interface TransactOptions extends EmitContext {
  /** Firestore's attempts on contention (default 5). */
  maxAttempts?: number;
  /**
   * The `traceparent` of what this work belongs to when it runs in a trace of its own (a tick
   * metering an allocation): the transaction's span links to it.
   */
  linkTo?: string;
}

export interface TransactResult<R> {
  result: R;
  /** Event ids committed by the transaction. */
  emitted: string[];
  /** False when publishing after commit failed: the outbox sweep publishes them later. */
  published: boolean;
}

/** State changes and the events they cause, outside a push delivery (HTTP handlers, ticks). */
export interface Producer {
  transact<R>(
    body: (tx: Transaction, emit: Emit) => Promise<R>,
    options: TransactOptions,
  ): Promise<TransactResult<R>>;
}

export interface ProducerOptions {
  firestore: Firestore;
  publisher: Publisher;
  outbox: Outbox;
  logger: Logger;
  /**
   * How long a caller waits for the publish after commit (default 5 s). Pub/Sub unreachable, the
   * client retries for minutes; the state is committed, so the caller is answered and the
   * publish goes on — or the outbox sweep re-drives it.
   */
  relayWaitMs?: number;
}

export const DEFAULT_RELAY_WAIT_MS = 5_000;

/**
 * The producer outbox: what `body` writes and emits commits in one transaction; the events are
 * published after commit and, if that fails or the process dies first, by the outbox sweep.
 * A failed publish is not the caller's failure: the state is committed and the event will go.
 */
export function createProducer(options: ProducerOptions): Producer {
  const waitMs = options.relayWaitMs ?? DEFAULT_RELAY_WAIT_MS;
  return {
    async transact(body, { maxAttempts, linkTo, ...context }) {
      const linked = spanContextOfTraceparent(linkTo);
      const { result, staged } = await inSpan(
        'firestore.transaction',
        {},
        () =>
          runOutboxTransaction(
            { ...options, context, source: `transact:${randomUUID()}`, maxAttempts },
            (tx, emitter) => body(tx, emitter.emit),
          ),
        linked ? [linked] : [],
      );
      const emitted = staged.messages.map((message) => message.attributes.event_id ?? '');
      if (emitted.length === 0) return { result, emitted, published: true };
      let timer: NodeJS.Timeout | undefined;
      try {
        const relayed = inSpan('outbox.relay', { 'gpuaas.events': emitted.length }, () =>
          options.outbox.relay(staged),
        );
        const waited = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            relayed.catch(() => undefined); // still going; its failure is the sweep's to fix
            reject(new Error(`publish still pending after ${waitMs} ms`));
          }, waitMs);
        });
        await Promise.race([relayed, waited]);
        return { result, emitted, published: true };
      } catch (error) {
        options.logger.warn(
          { err: error, event_ids: emitted },
          'events committed but not yet published; the outbox sweep re-drives them',
        );
        return { result, emitted, published: false };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
