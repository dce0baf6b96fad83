import { type Envelope, type EventType, idempotencyKeyOf, type PayloadOf } from '@gpuaas/contracts';

/** Pub/Sub attributes that repeat the envelope so filters, logs and tools need not parse data. */
export function eventAttributes<T extends EventType>(
  envelope: Envelope<PayloadOf<T>> & { event_type: T },
  producer: string,
  causationId?: string,
): Record<string, string> {
  const attributes: Record<string, string> = {
    event_type: envelope.event_type,
    version: envelope.version,
    event_id: envelope.event_id,
    correlation_id: envelope.correlation_id,
    idempotency_key: idempotencyKeyOf(envelope.event_type, envelope.payload),
    producer,
  };
  if (causationId) attributes.causation_id = causationId;
  return attributes;
}
