import type { ProvisioningFailureReason, ReleaseReason } from '@gpuaas/contracts';
import type { AllocationStatus, NewAllocation, ReleaseRequestRecord } from './allocation';

/** The instance a provider reported for an allocation. */
export interface InstanceRef {
  provider: string;
  provider_instance_id: string;
  region: string;
}

export interface FailureInput {
  reason_code: ProvisioningFailureReason;
  reason_message: string;
  reason_hash: string;
  attempts: number;
  retryable: boolean;
  provider_instance_id?: string | null;
}

/**
 * Everything that can happen to an allocation. `at` is when it happens (the writer's clock);
 * it becomes `updated_at` and, where the transition opens or closes something, that instant.
 */
export type AllocationTransition =
  | { kind: 'request'; at: string; allocation: NewAllocation }
  | { kind: 'start_provisioning'; at: string }
  | { kind: 'record_instance'; at: string; instance: InstanceRef }
  | { kind: 'activate'; at: string; started_at: string; instance: InstanceRef }
  | { kind: 'fail'; at: string; failure: FailureInput }
  | { kind: 'record_release_request'; at: string; request: ReleaseRequestRecord }
  | {
      kind: 'begin_release';
      at: string;
      reason: ReleaseReason;
      next_attempt_at: string;
      deadline_at: string;
    }
  | { kind: 'claim_release_attempt'; at: string; next_attempt_at: string }
  | {
      kind: 'record_release_error';
      at: string;
      attempt: number;
      error: { code: string; hash: string; message: string };
    }
  | { kind: 'confirm_release'; at: string; instance?: InstanceRef }
  | { kind: 'fail_release'; at: string; attempt?: number }
  | { kind: 'resolve_release_failed'; at: string; by: string }
  | { kind: 'meter'; at: string; through: string };

export type TransitionKind = AllocationTransition['kind'];

/**
 * Why a transition changed nothing. `already_applied`: a duplicate, the state already says so.
 * `not_allowed`: stale or illegal from the current state (an `activate` after `released`).
 * `not_due`: a release attempt claimed before its time. `version_mismatch`: the caller read an
 * older version. `not_found`: no such allocation.
 */
export type RejectionReason =
  | 'already_applied'
  | 'not_allowed'
  | 'not_due'
  | 'not_found'
  | 'version_mismatch';

export interface TransitionRejection {
  reason: RejectionReason;
  kind: TransitionKind;
  status: AllocationStatus | null;
  detail: string;
}
