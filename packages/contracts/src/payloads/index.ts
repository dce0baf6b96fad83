export {
  BillingAutoReleasePending,
  BillingAutoReleasePendingV1,
} from './billing-auto-release-pending';
export { BillingBalanceDepleted, BillingBalanceDepletedV1 } from './billing-balance-depleted';
export {
  BillingLowBalanceWarning,
  BillingLowBalanceWarningV1,
} from './billing-low-balance-warning';
export { BillingUsageMetered, BillingUsageMeteredV1, usageEventId } from './billing-usage-metered';
export {
  PaymentsBalanceCredited,
  PaymentsBalanceCreditedV1,
  StripeCheckoutSessionId,
  StripeEventId,
  StripePaymentIntentId,
} from './payments-balance-credited';
export {
  PaymentsReconcileFailed,
  PaymentsReconcileFailedV1,
  ReconcileFailureReason,
} from './payments-reconcile-failed';
export {
  ProvisioningActive,
  ProvisioningActiveV1,
  ProvisioningActiveV1_1,
} from './provisioning-active';
export {
  ProvisioningFailed,
  ProvisioningFailedV1,
  ProvisioningFailureReason,
} from './provisioning-failed';
export {
  ProvisioningForceReleaseRequested,
  ProvisioningForceReleaseRequestedV1,
} from './provisioning-force-release-requested';
export {
  ProvisioningReleaseFailed,
  ProvisioningReleaseFailedV1,
} from './provisioning-release-failed';
export {
  ProvisioningReleasingCompleted,
  ProvisioningReleasingCompletedV1,
  ReleaseReason,
} from './provisioning-releasing-completed';
export {
  ProvisioningReleasingRequested,
  ProvisioningReleasingRequestedV1,
  ReleaseRequester,
  ReleaseRequestReason,
} from './provisioning-releasing-requested';
export { ProvisioningRequested, ProvisioningRequestedV1 } from './provisioning-requested';
