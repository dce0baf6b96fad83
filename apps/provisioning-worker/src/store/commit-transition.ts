import type { Firestore, Transaction } from '@google-cloud/firestore';
import {
  type Allocation,
  type AllocationTransition,
  type DecideOptions,
  decideTransition,
  type TransitionOutcome,
  transitionAllocation,
  writeAllocation,
} from '@gpuaas/allocations';
import type { EventType } from '@gpuaas/contracts';
import type { Emit } from '@gpuaas/eventing';
import { eventsOf } from '../domain/events';

type Steps = AllocationTransition | readonly AllocationTransition[];

function emitAll(emit: Emit, outcome: TransitionOutcome) {
  if (!outcome.applied) return;
  for (const event of eventsOf(outcome.before, outcome.after)) {
    // The union pairs each type with its payload; emit's generic cannot see through it.
    (emit as (type: EventType, payload: unknown) => unknown)(event.eventType, event.payload);
  }
}

/** The guarded transition plus the events it causes, in the caller's transaction. */
export async function commitTransition(
  tx: Transaction,
  firestore: Firestore,
  emit: Emit,
  allocationId: string,
  steps: Steps,
  options?: DecideOptions,
): Promise<TransitionOutcome> {
  const outcome = await transitionAllocation(tx, firestore, allocationId, steps, options);
  emitAll(emit, outcome);
  return outcome;
}

/** The same on an allocation already read in `tx` (several allocations in one transaction). */
export function commitDecided(
  tx: Transaction,
  firestore: Firestore,
  emit: Emit,
  current: Allocation | undefined,
  steps: Steps,
): TransitionOutcome {
  const outcome = decideTransition(current, steps);
  if (outcome.applied) writeAllocation(tx, firestore, outcome.after);
  emitAll(emit, outcome);
  return outcome;
}
