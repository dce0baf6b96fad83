/** What our consumers add when they dead-letter a message (packages/eventing dead-letter.ts). */
export const CONSUMER_DEAD_LETTER_KEYS = [
  'dlq_reason',
  'dlq_detail',
  'source_subscription',
  'source_message_id',
  'dead_lettered_at',
  'dlq_dropped_attributes',
] as const;

/** What Pub/Sub's own dead-lettering adds (`CloudPubSubDeadLetterSourceDeliveryCount`, ...). */
export const PUBSUB_DEAD_LETTER_PREFIX = 'CloudPubSubDeadLetterSource';

/** What a replay adds; a replayed message that is dead-lettered again carries them back. */
export const REPLAY_KEYS = [
  'replay_target',
  'replay_id',
  'replay_count',
  'replay_of',
  'replay_revision',
] as const;

const consumerKeys = new Set<string>(CONSUMER_DEAD_LETTER_KEYS);
const replayKeys = new Set<string>(REPLAY_KEYS);

/** A dead letter's attributes, split by who set them. */
export interface SplitAttributes {
  /** As the producer published them: what a replay sends again. */
  original: Record<string, string>;
  /** Added by the dead-lettering (ours or Pub/Sub's). */
  deadLetter: Record<string, string>;
  /** Left by an earlier replay of this message. */
  replay: Record<string, string>;
}

export function splitAttributes(attributes: Readonly<Record<string, string>>): SplitAttributes {
  const split: SplitAttributes = { original: {}, deadLetter: {}, replay: {} };
  for (const [key, value] of Object.entries(attributes)) {
    if (consumerKeys.has(key) || key.startsWith(PUBSUB_DEAD_LETTER_PREFIX)) {
      split.deadLetter[key] = value;
    } else if (replayKeys.has(key)) {
      split.replay[key] = value;
    } else {
      split.original[key] = value;
    }
  }
  return split;
}

export interface ReplayStamp {
  /** The subscription the replay is meant for (the filter and the consumer-side skip read it). */
  target: string;
  replayId: string;
  /** How many times this message has been replayed, this one included. */
  count: number;
  entryId: string;
  /** Set when the replay sends a repaired revision instead of the original. */
  revision?: number;
  /** Attributes that change with a repaired revision (`event_id`, `idempotency_key`). */
  overrides?: Record<string, string>;
}

/** The attributes a replay publishes: the original ones plus where it goes and why. */
export function replayAttributes(
  original: Readonly<Record<string, string>>,
  stamp: ReplayStamp,
): Record<string, string> {
  const attributes: Record<string, string> = { ...original, ...stamp.overrides };
  // Google reserves `goog*` keys: Pub/Sub refuses a message that carries one.
  for (const key of Object.keys(attributes)) {
    if (key.toLowerCase().startsWith('goog')) delete attributes[key];
  }
  attributes.replay_target = stamp.target;
  attributes.replay_id = stamp.replayId;
  attributes.replay_count = String(stamp.count);
  attributes.replay_of = stamp.entryId;
  if (stamp.revision !== undefined && stamp.revision > 0) {
    attributes.replay_revision = String(stamp.revision);
  }
  return attributes;
}
