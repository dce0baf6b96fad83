import { type Allocation, AllocationPrice, AllocationStatus } from '@gpuaas/allocations';
import { ProvisioningFailureReason, ReleaseReason } from '@gpuaas/contracts';
import { type Static, type TSchema, Type } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Instant = (description: string) =>
  Nullable(Type.String({ format: 'date-time', description }));

export const AllocationId = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'Allocation id',
});

/** An allocation as its owner sees it: status, timeline, price snapshot, failure. */
export const AllocationView = Type.Object(
  {
    allocation_id: AllocationId,
    status: AllocationStatus,
    gpu_type: Type.String(),
    gpu_count: Type.Integer({ minimum: 1 }),
    region: Nullable(Type.String({ description: 'Where it runs; as requested until then' })),
    price: AllocationPrice,
    requested_at: Type.String({ format: 'date-time' }),
    provisioning_started_at: Instant('The worker picked it up'),
    started_at: Instant('Health check passed: the usage window opened'),
    release_requested_at: Instant('A release was asked for'),
    released_at: Instant('The usage window closed'),
    failed_at: Instant('Provisioning failed'),
    release_failed_at: Instant('Release retries ran out; billing stopped here'),
    billable_seconds: Nullable(Type.Integer({ minimum: 0 })),
    release_reason: Nullable(ReleaseReason),
    failure: Nullable(
      Type.Object(
        {
          reason_code: ProvisioningFailureReason,
          reason_message: Type.String(),
          retryable: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
    ),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Allocation', additionalProperties: false },
);
export type AllocationView = Static<typeof AllocationView>;

export function toView(a: Allocation): AllocationView {
  return {
    allocation_id: a.allocation_id,
    status: a.status,
    gpu_type: a.gpu_type,
    gpu_count: a.gpu_count,
    region: a.instance?.region ?? a.region,
    price: a.price,
    requested_at: a.requested_at,
    provisioning_started_at: a.provisioning_started_at,
    started_at: a.started_at,
    release_requested_at: a.release_request?.requested_at ?? a.release?.began_at ?? null,
    released_at: a.released_at,
    failed_at: a.failure?.failed_at ?? null,
    release_failed_at: a.release_failed_at,
    billable_seconds: a.billable_seconds,
    release_reason: a.release?.reason ?? null,
    failure: a.failure
      ? {
          reason_code: a.failure.reason_code,
          reason_message: a.failure.reason_message,
          retryable: a.failure.retryable,
        }
      : null,
    updated_at: a.updated_at,
  };
}

export const AllocationParams = Type.Object(
  { allocation_id: AllocationId },
  { additionalProperties: false },
);
