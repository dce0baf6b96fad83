import { type Static, Type } from '@sinclair/typebox';
import { Count, Identifier, Rfc3339Utc, Sha256Hex, StringEnum } from '../primitives';

export const ProvisioningFailureReason = StringEnum([
  'no_capacity',
  'provisioning_timeout',
  'provider_error',
  'quota_exceeded',
  'insufficient_balance',
  'cancelled',
]);
export type ProvisioningFailureReason = Static<typeof ProvisioningFailureReason>;

export const ProvisioningFailedV1 = Type.Object({
  allocation_id: Identifier,
  user_id: Identifier,
  failed_at: Rfc3339Utc,
  reason_code: ProvisioningFailureReason,
  reason_message: Type.String({ maxLength: 512, description: 'sanitised: no secrets, no PII' }),
  reason_hash: Type.String({
    pattern: Sha256Hex.pattern,
    description: 'sha256 hex of reason_code + ":" + normalized_message',
  }),
  attempts: Count,
  retryable: Type.Boolean(),
  provider_instance_id: Type.Optional(Identifier),
});
export type ProvisioningFailedV1 = Static<typeof ProvisioningFailedV1>;

export const ProvisioningFailed = ProvisioningFailedV1;
export type ProvisioningFailed = ProvisioningFailedV1;
