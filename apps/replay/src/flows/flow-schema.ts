import { CONSUMERS, StringEnum } from '@gpuaas/contracts';
import { type Static, Type } from '@sinclair/typebox';

const Instant = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const FlowConsumerView = Type.Object(
  {
    consumer: StringEnum(CONSUMERS),
    outcome: StringEnum([
      'applied',
      'duplicate',
      'in_progress',
      'dead_lettered',
      'not_yet_delivered',
    ]),
    at: Instant,
    detail: Type.Union([Type.String(), Type.Null()]),
    dead_letter_id: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'FlowConsumer' },
);

export const FlowEventView = Type.Object(
  {
    event_id: Type.String(),
    event_type: Type.String(),
    producer: Type.Union([Type.String(), Type.Null()]),
    correlation_id: Type.String(),
    causation_id: Type.Union([Type.String(), Type.Null()]),
    committed_at: Instant,
    published_at: Instant,
    trace_id: Type.Union([Type.String(), Type.Null()]),
    trace_url: Type.Union([Type.String(), Type.Null()]),
    consumers: Type.Array(FlowConsumerView),
  },
  { $id: 'FlowEvent' },
);

export const FlowView = Type.Object(
  {
    id: Type.String(),
    correlation_id: Type.String(),
    events: Type.Array(FlowEventView),
  },
  { $id: 'Flow' },
);
export type FlowView = Static<typeof FlowView>;

export const FlowParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 512 }) },
  { additionalProperties: false },
);
