import { type TObject, Type } from '@sinclair/typebox';
import { EVENT_NAME_PATTERN } from './event-name';
import { Rfc3339Utc, Uuid } from './primitives';
import { majorVersionPattern, VERSION_PATTERN } from './version';

export const CorrelationId = Type.String({ minLength: 1, maxLength: 256 });

const envelopeFields = {
  event_id: Uuid,
  event_type: Type.String({ pattern: EVENT_NAME_PATTERN.source }),
  occurred_at: Rfc3339Utc,
  version: Type.String({ pattern: VERSION_PATTERN }),
  correlation_id: CorrelationId,
};

// Strict: EVENTS.md fixes exactly six fields and routing metadata travels in Pub/Sub attributes.
export const Envelope = Type.Object(
  { ...envelopeFields, payload: Type.Object({}) },
  { $id: 'envelope.json', title: 'Event envelope', additionalProperties: false },
);
export type Envelope<P = unknown> = {
  event_id: string;
  event_type: string;
  occurred_at: string;
  version: string;
  correlation_id: string;
  payload: P;
};

/** The envelope of one event type and major, with `payload` replaced by that version's schema. */
export function eventSchema<const T extends string, P extends TObject>(
  eventType: T,
  version: string,
  payload: P,
) {
  const major = Number(version.split('.')[0]);
  return Type.Object(
    {
      ...envelopeFields,
      event_type: Type.Literal(eventType),
      version: Type.String({ pattern: majorVersionPattern(major) }),
      payload,
    },
    {
      $id: `${eventType}/${version}.json`,
      title: `${eventType} ${version}`,
      additionalProperties: false,
    },
  );
}
