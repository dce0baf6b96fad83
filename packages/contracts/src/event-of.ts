import type { EventType, PayloadOf } from './catalog';
import type { Envelope } from './envelope';

/** A parsed event of one type; `AnyEvent` narrows on `event_type`. */
export type EventOf<T extends EventType> = Envelope<PayloadOf<T>> & { event_type: T };
export type AnyEvent = { [T in EventType]: EventOf<T> }[EventType];

export function isEventOf<T extends EventType>(
  event: { event_type: string },
  eventType: T,
): event is EventOf<T> {
  return event.event_type === eventType;
}
