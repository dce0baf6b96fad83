import {
  FieldValue,
  type Firestore,
  Timestamp as FirestoreTimestamp,
  type Timestamp,
  type Transaction,
} from '@google-cloud/firestore';
import type { OutgoingMessage, Publisher } from '../publisher';

/** An emitted event waiting in Firestore until Pub/Sub confirms it. Doc id = event_id. */
export interface OutboxEntry {
  topic: string;
  data: Buffer;
  attributes: Record<string, string>;
  record_id: string;
  created_at: Timestamp;
  /** Present only while unpublished; the sweep orders by it (a single-field index suffices). */
  pending_since?: Timestamp;
  publish_attempts: number;
  last_error?: string;
  published_at: Timestamp | null;
  /** TTL field, set only once published: an unpublished event is never expired away. */
  expire_at?: Timestamp;
}

export interface RelayResult {
  published: number;
  failed: number;
}

export interface Outbox {
  /** Writes the messages inside the caller's transaction; returns their document ids. */
  stage(tx: Transaction, messages: readonly OutgoingMessage[], recordId: string): string[];
  /** Publishes staged messages already in memory (right after commit); throws if any failed. */
  relay(messages: readonly OutgoingMessage[]): Promise<void>;
  /** Re-drives whatever of these ids is still unpublished; throws if any failed. */
  redrive(ids: readonly string[]): Promise<number>;
  /** Publishes entries pending longer than `olderThanMs` (a crash between commit and relay). */
  sweep(options?: { olderThanMs?: number; limit?: number }): Promise<RelayResult>;
}

export interface OutboxOptions {
  firestore: Firestore;
  publisher: Publisher;
  /** How long a published entry is kept (TTL on `expire_at`). */
  retentionMs: number;
  collection?: string;
}

export class OutboxPublishError extends Error {
  override readonly name = 'OutboxPublishError';
  constructor(
    readonly failed: number,
    readonly firstError: unknown,
  ) {
    super(
      `${failed} outbox event(s) not published: ${firstError instanceof Error ? firstError.message : String(firstError)}`,
    );
  }
}

const eventIdOf = (message: OutgoingMessage): string => {
  const id = message.attributes.event_id;
  if (!id) throw new Error(`outgoing message on ${message.topic} has no event_id attribute`);
  return id;
};

export function createOutbox(options: OutboxOptions): Outbox {
  const { firestore, publisher } = options;
  const collection = firestore.collection(options.collection ?? 'outbox');

  /** Publishes each entry on its own: one that keeps failing must not hold the others back. */
  const publishAll = async (
    entries: { id: string; message: OutgoingMessage }[],
  ): Promise<RelayResult & { firstError?: unknown }> => {
    if (entries.length === 0) return { published: 0, failed: 0 };
    const outcomes = await Promise.allSettled(
      entries.map(({ message }) => publisher.send(message)),
    );
    const batch = firestore.batch();
    const now = FirestoreTimestamp.now();
    let firstError: unknown;
    let failed = 0;
    outcomes.forEach((outcome, index) => {
      const ref = collection.doc((entries[index] as { id: string }).id);
      if (outcome.status === 'fulfilled') {
        batch.update(ref, {
          pending_since: FieldValue.delete(),
          published_at: now,
          publish_attempts: FieldValue.increment(1),
          expire_at: FirestoreTimestamp.fromMillis(now.toMillis() + options.retentionMs),
        });
      } else {
        failed += 1;
        firstError ??= outcome.reason;
        // Moving it to the back of the sweep's order keeps a stuck entry from blocking the rest.
        batch.update(ref, {
          pending_since: now,
          publish_attempts: FieldValue.increment(1),
          last_error: String((outcome.reason as Error)?.message ?? outcome.reason).slice(0, 1000),
        });
      }
    });
    await batch.commit();
    return { published: entries.length - failed, failed, firstError };
  };

  const publishOrThrow = async (entries: { id: string; message: OutgoingMessage }[]) => {
    const result = await publishAll(entries);
    if (result.failed > 0) throw new OutboxPublishError(result.failed, result.firstError);
    return result.published;
  };

  return {
    stage(tx, messages, recordId) {
      const createdAt = FirestoreTimestamp.now();
      return messages.map((message) => {
        const id = eventIdOf(message);
        const entry: OutboxEntry = {
          topic: message.topic,
          data: message.data,
          attributes: message.attributes,
          record_id: recordId,
          created_at: createdAt,
          pending_since: createdAt,
          publish_attempts: 0,
          published_at: null,
        };
        tx.create(collection.doc(id), entry);
        return id;
      });
    },

    async relay(messages) {
      await publishOrThrow(messages.map((message) => ({ id: eventIdOf(message), message })));
    },

    async redrive(ids) {
      if (ids.length === 0) return 0;
      const snapshots = await firestore.getAll(...ids.map((id) => collection.doc(id)));
      const pending = snapshots
        .filter((snap) => snap.exists && snap.get('pending_since') !== undefined)
        .map((snap) => ({ id: snap.id, message: toMessage(snap.data() as OutboxEntry) }));
      return publishOrThrow(pending);
    },

    async sweep({ olderThanMs = 30_000, limit = 100 } = {}) {
      const cutoff = FirestoreTimestamp.fromMillis(Date.now() - olderThanMs);
      const due = await collection
        .where('pending_since', '<=', cutoff)
        .orderBy('pending_since')
        .limit(limit)
        .get();
      const { published, failed } = await publishAll(
        due.docs.map((doc) => ({ id: doc.id, message: toMessage(doc.data() as OutboxEntry) })),
      );
      return { published, failed };
    },
  };
}

function toMessage(entry: OutboxEntry): OutgoingMessage {
  return { topic: entry.topic, data: Buffer.from(entry.data), attributes: entry.attributes };
}
