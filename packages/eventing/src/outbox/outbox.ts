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
  /** Present only while unpublished: the sweep's single-field query needs no composite index. */
  pending?: true;
  record_id: string;
  created_at: Timestamp;
  published_at: Timestamp | null;
  expire_at: Timestamp;
}

export interface Outbox {
  /** Writes the messages inside the caller's transaction; returns their document ids. */
  stage(
    tx: Transaction,
    messages: readonly OutgoingMessage[],
    recordId: string,
    expireAt: Date,
  ): string[];
  /** Publishes staged messages already in memory (right after commit), then marks them. */
  relay(messages: readonly OutgoingMessage[]): Promise<void>;
  /** Re-drives whatever of these ids is still unpublished (redelivery of a completed event). */
  redrive(ids: readonly string[]): Promise<number>;
  /** Publishes entries left pending longer than `olderThanMs` (a crash between commit and relay). */
  sweep(options?: { olderThanMs?: number; limit?: number }): Promise<number>;
}

export interface OutboxOptions {
  firestore: Firestore;
  publisher: Publisher;
  collection?: string;
}

const eventIdOf = (message: OutgoingMessage): string => {
  const id = message.attributes.event_id;
  if (!id) throw new Error(`outgoing message on ${message.topic} has no event_id attribute`);
  return id;
};

export function createOutbox(options: OutboxOptions): Outbox {
  const collection = options.firestore.collection(options.collection ?? 'outbox');

  const markPublished = async (ids: readonly string[]): Promise<void> => {
    if (ids.length === 0) return;
    const batch = options.firestore.batch();
    const now = FieldValue.serverTimestamp();
    for (const id of ids) {
      batch.update(collection.doc(id), { pending: FieldValue.delete(), published_at: now });
    }
    await batch.commit();
  };

  const publishAll = async (entries: { id: string; message: OutgoingMessage }[]) => {
    await Promise.all(entries.map(({ message }) => options.publisher.send(message)));
    await markPublished(entries.map(({ id }) => id));
  };

  return {
    stage(tx, messages, recordId, expireAt) {
      const createdAt = FirestoreTimestamp.now();
      return messages.map((message) => {
        const id = eventIdOf(message);
        const entry: OutboxEntry = {
          topic: message.topic,
          data: message.data,
          attributes: message.attributes,
          pending: true,
          record_id: recordId,
          created_at: createdAt,
          published_at: null,
          expire_at: FirestoreTimestamp.fromDate(expireAt),
        };
        tx.create(collection.doc(id), entry);
        return id;
      });
    },

    async relay(messages) {
      await publishAll(messages.map((message) => ({ id: eventIdOf(message), message })));
    },

    async redrive(ids) {
      if (ids.length === 0) return 0;
      const snapshots = await options.firestore.getAll(...ids.map((id) => collection.doc(id)));
      const pending = snapshots
        .filter((snap) => snap.exists && snap.get('pending') === true)
        .map((snap) => ({ id: snap.id, message: toMessage(snap.data() as OutboxEntry) }));
      await publishAll(pending);
      return pending.length;
    },

    async sweep({ olderThanMs = 30_000, limit = 100 } = {}) {
      const cutoff = Date.now() - olderThanMs;
      const snapshot = await collection.where('pending', '==', true).limit(limit).get();
      const due = snapshot.docs
        .filter((doc) => (doc.get('created_at') as Timestamp).toMillis() <= cutoff)
        .map((doc) => ({ id: doc.id, message: toMessage(doc.data() as OutboxEntry) }));
      await publishAll(due);
      return due.length;
    },
  };
}

function toMessage(entry: OutboxEntry): OutgoingMessage {
  return { topic: entry.topic, data: Buffer.from(entry.data), attributes: entry.attributes };
}
