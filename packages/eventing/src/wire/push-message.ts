/** One Pub/Sub push delivery, normalised from the camelCase or snake_case wire form. */
export interface PushMessage {
  /** Raw base64 text of `message.data`, kept so a dead letter carries the exact original. */
  dataBase64: string;
  attributes: Record<string, string>;
  messageId: string;
  publishTime?: string;
  deliveryAttempt?: number;
  /** Short subscription name (`projects/p/subscriptions/` stripped), when sent. */
  subscription?: string;
}

export type PushBodyResult = { ok: true; message: PushMessage } | { ok: false; reason: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const pick = (record: Record<string, unknown>, camel: string, snake: string): unknown =>
  record[camel] ?? record[snake];

/** Validates the push wrapper itself; the data inside is judged later, by the contracts. */
export function readPushBody(body: unknown): PushBodyResult {
  if (!isRecord(body)) return { ok: false, reason: 'push body must be a JSON object' };
  const message = body.message;
  if (!isRecord(message)) return { ok: false, reason: 'push body has no "message" object' };
  const messageId = pick(message, 'messageId', 'message_id');
  if (typeof messageId !== 'string' || messageId === '') {
    return { ok: false, reason: 'message.messageId must be a non-empty string' };
  }
  const data = message.data ?? '';
  if (typeof data !== 'string') return { ok: false, reason: 'message.data must be a string' };
  const rawAttributes = message.attributes ?? {};
  if (!isRecord(rawAttributes)) {
    return { ok: false, reason: 'message.attributes must be an object' };
  }
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawAttributes)) {
    if (typeof value !== 'string') {
      return { ok: false, reason: `message.attributes.${key} must be a string` };
    }
    attributes[key] = value;
  }
  const attempt = pick(body, 'deliveryAttempt', 'delivery_attempt');
  const publishTime = pick(message, 'publishTime', 'publish_time');
  const subscription = body.subscription;
  return {
    ok: true,
    message: {
      dataBase64: data,
      attributes,
      messageId,
      publishTime: typeof publishTime === 'string' ? publishTime : undefined,
      deliveryAttempt:
        typeof attempt === 'number' && Number.isInteger(attempt) ? attempt : undefined,
      subscription:
        typeof subscription === 'string'
          ? subscription.replace(/^projects\/[^/]+\/subscriptions\//, '')
          : undefined,
    },
  };
}

/**
 * Strict base64, in linear time: Buffer.from silently skips invalid characters, which would hide
 * corruption, and a validating regex overflows V8's stack on multi-megabyte input. Canonical
 * base64 round-trips exactly, so a re-encode that differs means the text was not base64.
 */
export function decodeBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
