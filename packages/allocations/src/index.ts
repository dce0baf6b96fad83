export type { NewAllocation } from './allocation';
export {
  Allocation,
  AllocationFailure,
  AllocationInstance,
  AllocationPrice,
  AllocationRelease,
  AllocationResolution,
  AllocationStatus,
  ReleaseRequestRecord,
  TERMINAL_STATUSES,
} from './allocation';
export { ALLOCATIONS_COLLECTION, PROVISIONING_BLOCKS_COLLECTION } from './collections';
export type { AllocationErrorReason } from './errors';
export { AllocationDocumentError } from './errors';
export type { InstantInput } from './instants';
export { addSeconds, laterOf, msOf, secondsBetween, storedInstant, wholeSecond } from './instants';
export { ledgerBalanceOf } from './ledger-balance';
export { allocationOfRequested, requestedPayloadOf } from './requested-payload';
export type { TransitionResult } from './state-machine';
export { applyTransition, applyTransitions } from './state-machine';
export type { DecideOptions, TransitionOutcome } from './store';
export {
  allocationRef,
  decideTransition,
  getAllocation,
  parseAllocation,
  readAllocation,
  readAllocations,
  transitionAllocation,
  writeAllocation,
} from './store';
export type {
  AllocationTransition,
  FailureInput,
  InstanceRef,
  RejectionReason,
  TransitionKind,
  TransitionRejection,
} from './transition';
export type {
  BalanceOf,
  Depletion,
  GateVerdict,
  ProvisioningGateOptions,
} from './user-block';
export {
  checkProvisioningGate,
  isBlocking,
  readUserBlock,
  recordDepletion,
  UserBlock,
} from './user-block';
