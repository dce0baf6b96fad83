import { randomUUID } from 'node:crypto';
import {
  type DocumentSnapshot,
  FieldValue,
  type Firestore,
  Timestamp,
  type Transaction,
} from '@google-cloud/firestore';
import { describeError } from '../describe-error';
import { grpcCodeOf } from '../failure';
import type { OutgoingMessage, Publisher } from '../publisher';

/** An emitted event waiting in Firestore until Pub/Sub confirms it. Doc id = event_id. */
export interface OutboxEntry {
  topic: string;
  data: Buffer;
  attributes: Record<string, string>;
  /** The service that committed it; only that service's sweep publishes it. */
  producer: string;
  /** The dedupe record or producer transaction the entry was committed with. */
  source: string;
  created_at: Timestamp;
  /**
   * Present only while unpublished: until then the entry is claimed (by the relay right after
   * commit, or by a sweep or redelivery that took it over); after it, anyone may take it.
   */
  due_at?: Timestamp;
  claim_owner?: string;
  publish_attempts: number;
  last_error?: string;
  published_at: Timestamp | null;
  /** TTL field, set only once published: an unpublished event is never expired away. */
  expire_at?: Timestamp;
}

export interface RelayResult {
  published: number;
  failed: number;
  /** Entries another relay, sweep or redelivery holds a live claim on: left to it. */
  claimedElsewhere: number;
}

/** What a staging transaction hands to `relay` once it committed. */
export interface StagedEntries {
  owner: string;
  messages: readonly OutgoingMessage[];
}

export interface Outbox {
  readonly collection: string;
  /** Writes the messages inside the caller's transaction, claimed by `owner`; returns their ids. */
  stage(
    tx: Transaction,
    messages: readonly OutgoingMessage[],
    source: string,
    owner: string,
  ): string[];
  /** Publishes entries this process staged and still claims (right after commit). */
  relay(staged: StagedEntries): Promise<RelayResult>;
  /** Claims and publishes whatever of these ids is unpublished and not claimed by anyone else. */
  redrive(ids: readonly string[]): Promise<RelayResult>;
  /** Claims and publishes this producer's due entries, oldest first (a crash between commit and relay). */
  sweep(options?: { limit?: number }): Promise<RelayResult>;
}

export interface OutboxOptions {
  firestore: Firestore;
  publisher: Publisher;
  /** How long a published entry is kept (TTL on `expire_at`). */
  retentionMs: number;
  /** How long a claim holds off other relays: the sweep's minimum entry age. */
  claimMs?: number;
  collection?: string;
  now?: () => Date;
}

export class OutboxPublishError extends Error {
  override readonly name = 'OutboxPublishError';
  constructor(
    readonly failed: number,
    readonly firstError: unknown,
  ) {
    super(`${failed} outbox event(s) not published: ${describeError(firstError)}`);
  }
}

export const DEFAULT_OUTBOX_CLAIM_MS = 30_000;

const eventIdOf = (message: OutgoingMessage): string => {
  const id = message.attributes.event_id;
  if (!id) throw new Error(`outgoing message on ${message.topic} has no event_id attribute`);
  return id;
};

const toMessage = (entry: OutboxEntry): OutgoingMessage => ({
  topic: entry.topic,
  data: Buffer.from(entry.data),
  attributes: entry.attributes,
});

/** gRPC FAILED_PRECONDITION: an update's `lastUpdateTime` no longer matches (someone else won). */
const isPreconditionFailure = (error: unknown): boolean => grpcCodeOf(error) === 9;

export function createOutbox(options: OutboxOptions): Outbox {
  const { firestore, publisher } = options;
  const collectionName = options.collection ?? 'outbox';
  const collection = firestore.collection(collectionName);
  const claimMs = options.claimMs ?? DEFAULT_OUTBOX_CLAIM_MS;
  const now = options.now ?? (() => new Date());

  /** Publishes each entry on its own: one that keeps failing must not hold the others back. */
  const publishAll = async (
    entries: { id: string; message: OutgoingMessage }[],
    claimedElsewhere: number,
  ): Promise<RelayResult & { firstError?: unknown }> => {
    if (entries.length === 0) return { published: 0, failed: 0, claimedElsewhere };
    const outcomes = await Promise.allSettled(
      entries.map(({ message }) => publisher.send(message)),
    );
    const batch = firestore.batch();
    const at = Timestamp.fromDate(now());
    let firstError: unknown;
    let failed = 0;
    outcomes.forEach((outcome, index) => {
      const ref = collection.doc((entries[index] as { id: string }).id);
      if (outcome.status === 'fulfilled') {
        batch.update(ref, {
          due_at: FieldValue.delete(),
          claim_owner: FieldValue.delete(),
          published_at: at,
          publish_attempts: FieldValue.increment(1),
          expire_at: Timestamp.fromMillis(at.toMillis() + options.retentionMs),
        });
      } else {
        failed += 1;
        firstError ??= outcome.reason;
        // Released at once, and behind the older entries, so a stuck one blocks nobody.
        batch.update(ref, {
          due_at: at,
          claim_owner: FieldValue.delete(),
          publish_attempts: FieldValue.increment(1),
          last_error: describeError(outcome.reason),
        });
      }
    });
    await batch.commit();
    return { published: entries.length - failed, failed, claimedElsewhere, firstError };
  };

  /** Takes entries whose claim ran out; an entry someone else changed meanwhile is theirs. */
  const claim = async (snapshots: DocumentSnapshot[]) => {
    const owner = randomUUID();
    const due = Timestamp.fromMillis(now().getTime() + claimMs);
    let claimedElsewhere = 0;
    const taken: { id: string; message: OutgoingMessage }[] = [];
    await Promise.all(
      snapshots.map(async (snap) => {
        const dueAt = snap.get('due_at') as Timestamp | undefined;
        if (!snap.exists || dueAt === undefined) return;
        if (dueAt.toMillis() > now().getTime()) {
          claimedElsewhere += 1;
          return;
        }
        try {
          await snap.ref.update(
            { due_at: due, claim_owner: owner },
            { lastUpdateTime: snap.updateTime },
          );
          taken.push({ id: snap.id, message: toMessage(snap.data() as OutboxEntry) });
        } catch (error) {
          if (!isPreconditionFailure(error)) throw error;
          claimedElsewhere += 1;
        }
      }),
    );
    return { taken, claimedElsewhere };
  };

  const strip = ({ firstError: _, ...result }: RelayResult & { firstError?: unknown }) => result;

  return {
    collection: collectionName,

    stage(tx, messages, source, owner) {
      const createdAt = Timestamp.fromDate(now());
      const due = Timestamp.fromMillis(createdAt.toMillis() + claimMs);
      return messages.map((message) => {
        const id = eventIdOf(message);
        const entry: OutboxEntry = {
          topic: message.topic,
          data: message.data,
          attributes: message.attributes,
          producer: publisher.producer,
          source,
          created_at: createdAt,
          due_at: due,
          claim_owner: owner,
          publish_attempts: 0,
          published_at: null,
        };
        tx.create(collection.doc(id), entry);
        return id;
      });
    },

    async relay({ messages }) {
      const result = await publishAll(
        messages.map((message) => ({ id: eventIdOf(message), message })),
        0,
      );
      if (result.failed > 0) throw new OutboxPublishError(result.failed, result.firstError);
      return strip(result);
    },

    async redrive(ids) {
      if (ids.length === 0) return { published: 0, failed: 0, claimedElsewhere: 0 };
      const snapshots = await firestore.getAll(...ids.map((id) => collection.doc(id)));
      const { taken, claimedElsewhere } = await claim(snapshots);
      const result = await publishAll(taken, claimedElsewhere);
      if (result.failed > 0) throw new OutboxPublishError(result.failed, result.firstError);
      return strip(result);
    },

    async sweep({ limit = 100 } = {}) {
      const due = await collection
        .where('producer', '==', publisher.producer)
        .where('due_at', '<=', Timestamp.fromDate(now()))
        .orderBy('due_at')
        .limit(limit)
        .get();
      const { taken, claimedElsewhere } = await claim(due.docs);
      return strip(await publishAll(taken, claimedElsewhere));
    },
  };
}
