import {
  Count,
  Currency,
  Identifier,
  ProvisioningFailureReason,
  ReleaseReason,
  ReleaseRequester,
  ReleaseRequestReason,
  Rfc3339Utc,
  Sha256Hex,
  StringEnum,
} from '@gpuaas/contracts';
import { type Static, type TSchema, Type } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** A stored instant (fixed-width ISO, see instants.ts). */
const Instant = Rfc3339Utc;

export const AllocationStatus = StringEnum([
  'requested',
  'provisioning',
  'active',
  'releasing',
  'released',
  'failed',
  'release_failed',
]);
export type AllocationStatus = Static<typeof AllocationStatus>;

/** Terminal: nothing moves an allocation out of these. */
export const TERMINAL_STATUSES: readonly AllocationStatus[] = ['released', 'failed'];

/** The price snapshot taken when the allocation was requested: later price changes never apply. */
export const AllocationPrice = Type.Object(
  {
    price_id: Identifier,
    rate_micros_per_gpu_hour: Count,
    currency: Currency,
    billing_increment_seconds: Type.Union([Type.Literal(1), Type.Literal(60)]),
  },
  { additionalProperties: false },
);
export type AllocationPrice = Static<typeof AllocationPrice>;

export const AllocationInstance = Type.Object(
  {
    provider: Identifier,
    provider_instance_id: Identifier,
    region: Identifier,
    recorded_at: Instant,
  },
  { additionalProperties: false },
);
export type AllocationInstance = Static<typeof AllocationInstance>;

export const AllocationFailure = Type.Object(
  {
    failed_at: Instant,
    reason_code: ProvisioningFailureReason,
    reason_message: Type.String({ maxLength: 512 }),
    reason_hash: Sha256Hex,
    attempts: Count,
    retryable: Type.Boolean(),
    /** Set when a half-created instance had to be torn down. */
    provider_instance_id: Nullable(Identifier),
  },
  { additionalProperties: false },
);
export type AllocationFailure = Static<typeof AllocationFailure>;

/** What the orchestrator recorded when the user asked for the release (once per allocation). */
export const ReleaseRequestRecord = Type.Object(
  { requested_by: ReleaseRequester, reason: ReleaseRequestReason, requested_at: Instant },
  { additionalProperties: false },
);
export type ReleaseRequestRecord = Static<typeof ReleaseRequestRecord>;

/** The release in progress: its retry state lives here, so any tick can pick a due one. */
export const AllocationRelease = Type.Object(
  {
    reason: ReleaseReason,
    began_at: Instant,
    attempts: Count,
    first_attempt_at: Nullable(Instant),
    last_attempt_at: Nullable(Instant),
    next_attempt_at: Instant,
    deadline_at: Instant,
    last_error_code: Nullable(Identifier),
    last_error_hash: Nullable(Sha256Hex),
    last_error_message: Nullable(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
export type AllocationRelease = Static<typeof AllocationRelease>;

export const AllocationResolution = Type.Object(
  { resolved_at: Instant, resolved_by: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
export type AllocationResolution = Static<typeof AllocationResolution>;

/**
 * `allocations/{allocation_id}`: written by the orchestrator (created, release requested), the
 * provisioning worker (every state after) and the api-read-model (failed), always through the
 * guarded transition, so each write starts from the latest version whoever wrote it.
 */
export const Allocation = Type.Object(
  {
    allocation_id: Identifier,
    user_id: Identifier,
    gpu_type: Identifier,
    gpu_count: Type.Integer({ minimum: 1 }),
    /** As requested; the instance's actual region is in `instance`. */
    region: Nullable(Identifier),
    price: AllocationPrice,
    provisioning_timeout_seconds: Type.Integer({ minimum: 1 }),
    status: AllocationStatus,
    /** Bumped by every applied transition. */
    version: Type.Integer({ minimum: 1 }),
    requested_at: Instant,
    created_at: Instant,
    updated_at: Instant,
    provisioning_started_at: Nullable(Instant),
    instance: Nullable(AllocationInstance),
    /** Health check passed: the usage window opens (a whole second). */
    started_at: Nullable(Instant),
    /** End of the last metered interval; the next one starts here. */
    metered_until: Nullable(Instant),
    release_request: Nullable(ReleaseRequestRecord),
    release: Nullable(AllocationRelease),
    /** The usage window closes (a whole second). */
    released_at: Nullable(Instant),
    billable_seconds: Nullable(Count),
    failure: Nullable(AllocationFailure),
    /** Release retries ran out; billing stops here. */
    release_failed_at: Nullable(Instant),
    resolution: Nullable(AllocationResolution),
    /**
     * The W3C `traceparent` of the request that created it: later work on the allocation (each
     * metered interval) links its own trace to this one.
     */
    traceparent: Type.Optional(
      Type.String({ pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' }),
    ),
  },
  { additionalProperties: false },
);
export type Allocation = Static<typeof Allocation>;

/** What a new allocation is made of: the request and its price snapshot. */
export interface NewAllocation {
  allocation_id: string;
  user_id: string;
  gpu_type: string;
  gpu_count: number;
  region: string | null;
  price: AllocationPrice;
  provisioning_timeout_seconds: number;
  requested_at: string;
  traceparent?: string;
}
