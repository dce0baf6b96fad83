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
  | 'emit_invalid';

/** The event can never succeed: it is dead-lettered with a reason, not retried. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  constructor(
    readonly reason: DeadLetterReason,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${reason}: ${detail}`, options);
  }
}

/** A dependency is down or busy: Pub/Sub retries the delivery with backoff. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
  constructor(
    /** A stable code (`provider_unavailable`); it reaches the outcome, the log and the metrics. */
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

/** An event that Pub/Sub would refuse (size, attribute limits) or that breaks its schema. */
export class UnpublishableEventError extends Error {
  override readonly name = 'UnpublishableEventError';
  constructor(
    readonly eventType: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${eventType} cannot be published: ${detail}`, options);
  }
}

/** A handler rejects an event for good (bad business input); it goes to the DLQ. */
export function rejectEvent(detail: string, options?: { cause?: unknown }): never {
  throw new PermanentError('handler_rejected', detail, options);
}
