import { type Static, Type } from '@sinclair/typebox';
import { Count, Identifier, Rfc3339Utc, StringEnum } from '../primitives';

export const ReleaseReason = StringEnum([
  'user_requested',
  'balance_depleted',
  'idle_timeout',
  'admin',
  'provisioning_cancelled',
]);
export type ReleaseReason = Static<typeof ReleaseReason>;

export const ProvisioningReleasingCompletedV1 = Type.Object({
  allocation_id: Identifier,
  user_id: Identifier,
  provider_instance_id: Identifier,
  started_at: Rfc3339Utc,
  released_at: Type.String({ format: 'date-time', description: 'the usage window closes here' }),
  billable_seconds: Count,
  release_reason: ReleaseReason,
});
export type ProvisioningReleasingCompletedV1 = Static<typeof ProvisioningReleasingCompletedV1>;

export const ProvisioningReleasingCompleted = ProvisioningReleasingCompletedV1;
export type ProvisioningReleasingCompleted = ProvisioningReleasingCompletedV1;
