/** Why a message went to the dead-letter topic; stored in the `dlq_reason` attribute. */
export type DeadLetterReason =
  | 'not_base64'
  | 'not_json'
  | 'not_object'
  | 'envelope_invalid'
  | 'unknown_event_type'
  | 'unsupported_major'
  | 'payload_invalid'
  | 'wrong_event_type'
  | 'idempotency_conflict'
  | 'handler_rejected'
  | 'handler_error';

/** The event can never succeed: it is dead-lettered with a reason, not retried. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  constructor(
    readonly reason: DeadLetterReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

/** A dependency is down or busy: Pub/Sub retries the delivery with backoff. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
  constructor(
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A setting is missing or malformed; names the environment variable at fault. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

/** A handler rejects an event for good (bad business input); it goes to the DLQ. */
export function rejectEvent(detail: string): never {
  throw new PermanentError('handler_rejected', detail);
}
