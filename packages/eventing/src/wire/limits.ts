/** Pub/Sub's limits on one message: a message that breaks them is refused at publish time. */
export const PUBSUB_LIMITS = {
  /** Data plus attributes; Pub/Sub's documented 10 MB. */
  messageBytes: 10_000_000,
  attributes: 100,
  attributeKeyBytes: 256,
  attributeValueBytes: 1024,
} as const;

/** What Pub/Sub would refuse in a message, or undefined when it can be published. */
export function publishProblem(
  data: Buffer,
  attributes: Readonly<Record<string, string>>,
): string | undefined {
  const entries = Object.entries(attributes);
  if (entries.length > PUBSUB_LIMITS.attributes) {
    return `${entries.length} attributes (Pub/Sub allows ${PUBSUB_LIMITS.attributes})`;
  }
  let size = data.length;
  for (const [key, value] of entries) {
    const keyBytes = Buffer.byteLength(key);
    const valueBytes = Buffer.byteLength(value);
    if (keyBytes > PUBSUB_LIMITS.attributeKeyBytes) {
      return `attribute key ${key.slice(0, 40)}… is ${keyBytes} bytes (limit ${PUBSUB_LIMITS.attributeKeyBytes})`;
    }
    if (valueBytes > PUBSUB_LIMITS.attributeValueBytes) {
      return `attribute ${key} is ${valueBytes} bytes (limit ${PUBSUB_LIMITS.attributeValueBytes})`;
    }
    if (key.toLowerCase().startsWith('goog')) return `attribute key ${key} is reserved by Google`;
    size += keyBytes + valueBytes;
  }
  if (size > PUBSUB_LIMITS.messageBytes) {
    return `message is ${size} bytes (limit ${PUBSUB_LIMITS.messageBytes})`;
  }
  return undefined;
}
