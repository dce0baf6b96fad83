import { CONSUMERS } from '@gpuaas/contracts';
import { PageQueryWith } from '@gpuaas/http-api';
import { type Static, type TLiteral, Type } from '@sinclair/typebox';
import { ENTRY_STATUSES } from '../domain/entry-status';
import { REPLAY_STATUSES } from '../domain/replay-status';

const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((value) => Type.Literal(value)) as TLiteral<T>[]);

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const Time = Type.String({ format: 'date-time' });

export const Consumer = literals(CONSUMERS);
export const EntryStatus = literals(ENTRY_STATUSES);
export const ReplayStatus = literals(REPLAY_STATUSES);

/** Which dead letters: every field narrows the selection; the time range is on `last_seen_at`. */
export const DeadLetterFilter = Type.Object(
  {
    consumer: Type.Optional(Consumer),
    event_type: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    status: Type.Optional(EntryStatus),
    from: Type.Optional(Time),
    to: Type.Optional(Time),
  },
  { $id: 'DeadLetterFilter', additionalProperties: false },
);
export type DeadLetterFilter = Static<typeof DeadLetterFilter>;

export const DeadLetterListQuery = PageQueryWith(DeadLetterFilter);

export const DeadLetterReason = Type.Object(
  {
    source: literals(['consumer', 'pubsub', 'unknown'] as const),
    code: Type.String(),
    detail: Nullable(Type.String()),
    delivery_count: Nullable(Type.Integer()),
  },
  { $id: 'DeadLetterReason', additionalProperties: false },
);

export const DeadLetterSummary = Type.Object(
  {
    id: Type.String(),
    consumer: Type.String(),
    source_subscription: Type.String(),
    topic: Nullable(Type.String()),
    event_type: Nullable(Type.String()),
    event_id: Nullable(Type.String()),
    correlation_id: Nullable(Type.String()),
    idempotency_key: Nullable(Type.String()),
    reason: DeadLetterReason,
    status: EntryStatus,
    first_seen_at: Time,
    last_seen_at: Time,
    seen_count: Type.Integer(),
    replay_count: Type.Integer(),
    data_bytes: Type.Integer(),
    current_revision: Type.Integer(),
    replay_deadline: Time,
  },
  { $id: 'DeadLetterSummary', additionalProperties: false },
);
export type DeadLetterSummary = Static<typeof DeadLetterSummary>;

export const ValidationIssue = Type.Object(
  { path: Type.String(), message: Type.String() },
  { $id: 'ValidationIssue', additionalProperties: false },
);

export const DedupeStanding = literals([
  'not_applied',
  'already_applied',
  'conflict',
  'in_progress',
  'unknown',
] as const);

export const DeadLetterDetail = Type.Composite(
  [
    DeadLetterSummary,
    Type.Object({
      attributes: Type.Record(Type.String(), Type.String()),
      dead_letter_attributes: Type.Record(Type.String(), Type.String()),
      data_sha256: Type.String(),
      data_base64_valid: Type.Boolean(),
      /** UTF-8 text of the data a replay sends, cut at 64 KiB; null when not UTF-8. */
      data_text: Nullable(Type.String()),
      data_truncated: Type.Boolean(),
      /** The decoded envelope a replay sends, when it is JSON (and not over 1 MiB). */
      envelope: Type.Unknown(),
      /** Against the consumer's current schema (the catalog's majors). */
      validation: Type.Object(
        {
          ok: Type.Boolean(),
          code: Nullable(Type.String()),
          errors: Type.Array(ValidationIssue),
        },
        { additionalProperties: false },
      ),
      /** The consumer's dedupe record of the event's idempotency key. */
      dedupe: Type.Object(
        {
          record_id: Nullable(Type.String()),
          idempotency_key: Nullable(Type.String()),
          standing: DedupeStanding,
          /** What a replay would do, in words: "replaying this would be a no-op". */
          replay_effect: Type.String(),
        },
        { additionalProperties: false },
      ),
      revisions: Type.Array(
        Type.Object(
          {
            revision: Type.Integer(),
            event_id: Type.String(),
            idempotency_key: Type.String(),
            data_bytes: Type.Integer(),
            created_by: Type.String(),
            created_at: Time,
            reason: Type.String(),
          },
          { additionalProperties: false },
        ),
      ),
      history: Type.Array(
        Type.Object(
          {
            at: Time,
            kind: Type.String(),
            by: Type.Optional(Type.String()),
            replay_id: Type.Optional(Type.String()),
            replay_count: Type.Optional(Type.Integer()),
            revision: Type.Optional(Type.Integer()),
            reason_code: Type.Optional(Type.String()),
            detail: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      ),
      last_replay: Nullable(
        Type.Object(
          { replay_id: Type.String(), at: Time, by: Type.String() },
          { additionalProperties: false },
        ),
      ),
      discard: Nullable(
        Type.Object(
          { by: Type.String(), at: Time, reason: Type.String() },
          { additionalProperties: false },
        ),
      ),
    }),
  ],
  { $id: 'DeadLetterDetail', additionalProperties: false },
);
export type DeadLetterDetail = Static<typeof DeadLetterDetail>;

export const DeadLetterCounts = Type.Object(
  {
    groups: Type.Array(
      Type.Object(
        { consumer: Type.String(), reason: Type.String(), count: Type.Integer() },
        { additionalProperties: false },
      ),
    ),
    total: Type.Integer(),
  },
  { $id: 'DeadLetterCounts', additionalProperties: false },
);
export type DeadLetterCounts = Static<typeof DeadLetterCounts>;

export const CountsQuery = Type.Object(
  {
    status: Type.Optional(EntryStatus),
    event_type: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    from: Type.Optional(Time),
    to: Type.Optional(Time),
  },
  { additionalProperties: false },
);

export const EntryParams = Type.Object({
  dead_letter_id: Type.String({ pattern: '^dl_[0-9a-f]{32}$' }),
});
