import { type Static, Type } from '@sinclair/typebox';
import { SKIP_REASONS } from '../domain/entry-status';
import { Consumer, DeadLetterSummary, DedupeStanding, ReplayStatus } from './schemas';

const Time = Type.String({ format: 'date-time' });
const EntryId = Type.String({ pattern: '^dl_[0-9a-f]{32}$' });

/** A replay by filter selects the parked entries that match it. */
export const ReplayFilter = Type.Object(
  {
    consumer: Type.Optional(Consumer),
    event_type: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    from: Type.Optional(Time),
    to: Type.Optional(Time),
  },
  { $id: 'ReplayFilter', additionalProperties: false, minProperties: 1 },
);
export type ReplayFilter = Static<typeof ReplayFilter>;

export const ReplayRequest = Type.Object(
  {
    ids: Type.Optional(Type.Array(EntryId, { minItems: 1, maxItems: 1000 })),
    filter: Type.Optional(ReplayFilter),
    /** Answer what would happen; change nothing. */
    dry_run: Type.Optional(Type.Boolean({ default: false })),
    rate_per_second: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    max_replay_count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    /** Republish entries that fail validation against the consumer's schema too. */
    include_invalid: Type.Optional(Type.Boolean({ default: false })),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { $id: 'ReplayRequest', additionalProperties: false },
);
export type ReplayRequest = Static<typeof ReplayRequest>;

export const ReplayCounts = Type.Object(
  {
    selected: Type.Integer(),
    to_move: Type.Integer(),
    moved: Type.Integer(),
    failed: Type.Integer(),
    skipped: Type.Integer(),
    invalid: Type.Integer(),
    already_applied: Type.Integer(),
    conflicting: Type.Integer(),
  },
  { $id: 'ReplayCounts', additionalProperties: false },
);

export const SkipCounts = Type.Object(
  Object.fromEntries(SKIP_REASONS.map((reason) => [reason, Type.Integer()])),
  { $id: 'SkipCounts', additionalProperties: false },
);

export const Replay = Type.Object(
  {
    id: Type.String(),
    status: ReplayStatus,
    status_reason: Type.Union([Type.String(), Type.Null()]),
    created_by: Type.String(),
    created_at: Time,
    started_at: Type.Union([Time, Type.Null()]),
    finished_at: Type.Union([Time, Type.Null()]),
    selection: Type.Object(
      {
        ids: Type.Union([Type.Array(Type.String()), Type.Null()]),
        filter: Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()]),
      },
      { additionalProperties: false },
    ),
    rate_per_second: Type.Integer(),
    max_replay_count: Type.Integer(),
    include_invalid: Type.Boolean(),
    repair: Type.Union([
      Type.Object(
        { entry_id: Type.String(), revision: Type.Integer() },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
    reason: Type.Union([Type.String(), Type.Null()]),
    counts: ReplayCounts,
    skipped: SkipCounts,
    /** moved + failed + skipped of what was planned, 0..1. */
    progress: Type.Number(),
  },
  { $id: 'Replay', additionalProperties: false },
);
export type Replay = Static<typeof Replay>;

export const PlannedEntry = Type.Object(
  {
    id: Type.String(),
    action: Type.Union([Type.Literal('republish'), Type.Literal('skip')]),
    skip_reason: Type.Union([Type.String(), Type.Null()]),
    validation: Type.Union([Type.String(), Type.Null()]),
    standing: DedupeStanding,
    entry: Type.Union([DeadLetterSummary, Type.Null()]),
  },
  { $id: 'PlannedEntry', additionalProperties: false },
);

export const DryRun = Type.Object(
  {
    dry_run: Type.Literal(true),
    counts: ReplayCounts,
    skipped: SkipCounts,
    /** The first 100 entries of the plan. */
    entries: Type.Array(PlannedEntry),
  },
  { $id: 'ReplayDryRun', additionalProperties: false },
);
export type DryRun = Static<typeof DryRun>;

export const ReplayParams = Type.Object({
  replay_id: Type.String({ pattern: '^rpl_[A-Za-z0-9_-]{1,64}$' }),
});

export const RepairRequest = Type.Object(
  {
    /** The edited payload, as JSON text (the rest of the envelope is kept). */
    payload_json: Type.String({ minLength: 2, maxLength: 2_000_000 }),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    /** Replay the repaired version at once (default), or keep it parked. */
    replay: Type.Optional(Type.Boolean({ default: true })),
  },
  { $id: 'RepairRequest', additionalProperties: false },
);
export type RepairRequest = Static<typeof RepairRequest>;

export const RepairResult = Type.Object(
  {
    dead_letter_id: Type.String(),
    revision: Type.Integer(),
    event_id: Type.String(),
    replay: Type.Union([Replay, Type.Null()]),
  },
  { $id: 'RepairResult', additionalProperties: false },
);

export const DiscardRequest = Type.Object(
  {
    ids: Type.Optional(Type.Array(EntryId, { minItems: 1, maxItems: 1000 })),
    filter: Type.Optional(ReplayFilter),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    dry_run: Type.Optional(Type.Boolean({ default: false })),
  },
  { $id: 'DiscardRequest', additionalProperties: false },
);
export type DiscardRequest = Static<typeof DiscardRequest>;

export const DiscardResult = Type.Object(
  {
    dry_run: Type.Boolean(),
    discarded: Type.Integer(),
    not_parked: Type.Integer(),
    not_found: Type.Integer(),
    ids: Type.Array(Type.String()),
  },
  { $id: 'DiscardResult', additionalProperties: false },
);
export type DiscardResult = Static<typeof DiscardResult>;

export const AuditEntry = Type.Object(
  {
    action: Type.String(),
    actor: Type.String(),
    at: Time,
    replay_id: Type.Union([Type.String(), Type.Null()]),
    entry_ids: Type.Array(Type.String()),
    entry_count: Type.Integer(),
    filter: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    counts: Type.Union([Type.Record(Type.String(), Type.Integer()), Type.Null()]),
    reason: Type.Union([Type.String(), Type.Null()]),
    revision: Type.Union([Type.Integer(), Type.Null()]),
  },
  { $id: 'AuditEntry', additionalProperties: false },
);
