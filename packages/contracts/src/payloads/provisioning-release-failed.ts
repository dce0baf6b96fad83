import { type Static, Type } from '@sinclair/typebox';
import { Identifier, Rfc3339Utc, Sha256Hex } from '../primitives';

export const ProvisioningReleaseFailedV1 = Type.Object({
  allocation_id: Identifier,
  user_id: Identifier,
  provider_instance_id: Identifier,
  first_attempt_at: Rfc3339Utc,
  failed_at: Type.String({ format: 'date-time', description: 'billing stops here' }),
  attempts: Type.Integer({ minimum: 1 }),
  last_error_code: Identifier,
  last_error_hash: Type.String({
    pattern: Sha256Hex.pattern,
    description: 'sha256 hex of last_error_code + ":" + normalized_message, like reason_hash',
  }),
  requires_admin: Type.Literal(true),
});
export type ProvisioningReleaseFailedV1 = Static<typeof ProvisioningReleaseFailedV1>;

export const ProvisioningReleaseFailed = ProvisioningReleaseFailedV1;
export type ProvisioningReleaseFailed = ProvisioningReleaseFailedV1;
