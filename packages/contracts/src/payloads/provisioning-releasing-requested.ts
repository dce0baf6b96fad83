import { type Static, Type } from '@sinclair/typebox';
import { Identifier, Rfc3339Utc, StringEnum } from '../primitives';

export const ReleaseRequester = StringEnum(['user', 'orchestrator', 'admin']);
export type ReleaseRequester = Static<typeof ReleaseRequester>;

export const ReleaseRequestReason = StringEnum(['user_requested', 'idle_timeout', 'admin']);
export type ReleaseRequestReason = Static<typeof ReleaseRequestReason>;

export const ProvisioningReleasingRequestedV1 = Type.Object({
  allocation_id: Identifier,
  user_id: Identifier,
  requested_by: ReleaseRequester,
  reason: ReleaseRequestReason,
  requested_at: Rfc3339Utc,
});
export type ProvisioningReleasingRequestedV1 = Static<typeof ProvisioningReleasingRequestedV1>;

export const ProvisioningReleasingRequested = ProvisioningReleasingRequestedV1;
export type ProvisioningReleasingRequested = ProvisioningReleasingRequestedV1;
