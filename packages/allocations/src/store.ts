import type {
  DocumentReference,
  DocumentSnapshot,
  Firestore,
  Transaction,
} from '@google-cloud/firestore';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Allocation } from './allocation';
import { ALLOCATIONS_COLLECTION } from './collections';
import { AllocationDocumentError } from './errors';
import { applyTransitions } from './state-machine';
import type { AllocationTransition, TransitionRejection } from './transition';

const checkAllocation = TypeCompiler.Compile(Allocation);

export function allocationRef(firestore: Firestore, allocationId: string): DocumentReference {
  return firestore.collection(ALLOCATIONS_COLLECTION).doc(allocationId);
}

/** The stored document as an `Allocation`; a document off its schema throws, it is never guessed at. */
export function parseAllocation(snapshot: DocumentSnapshot): Allocation | undefined {
  if (!snapshot.exists) return undefined;
  const data = snapshot.data();
  if (!checkAllocation.Check(data)) {
    const first = checkAllocation.Errors(data).First();
    throw new AllocationDocumentError(
      'document_invalid',
      snapshot.ref.path,
      `${first?.path ?? ''} ${first?.message ?? 'invalid'}`.trim(),
    );
  }
  return data;
}

/** Reads outside a transaction: for effects and reads that decide nothing on their own. */
export async function getAllocation(
  firestore: Firestore,
  allocationId: string,
): Promise<Allocation | undefined> {
  return parseAllocation(await allocationRef(firestore, allocationId).get());
}

export async function readAllocation(
  tx: Transaction,
  firestore: Firestore,
  allocationId: string,
): Promise<Allocation | undefined> {
  return parseAllocation(await tx.get(allocationRef(firestore, allocationId)));
}

/** Several allocations in one read (a transaction must read everything before it writes). */
export async function readAllocations(
  tx: Transaction,
  firestore: Firestore,
  allocationIds: readonly string[],
): Promise<Map<string, Allocation | undefined>> {
  const ids = [...new Set(allocationIds)];
  const found = new Map<string, Allocation | undefined>();
  if (ids.length === 0) return found;
  const snapshots = await tx.getAll(...ids.map((id) => allocationRef(firestore, id)));
  for (const snapshot of snapshots) found.set(snapshot.id, parseAllocation(snapshot));
  return found;
}

export function writeAllocation(tx: Transaction, firestore: Firestore, allocation: Allocation) {
  tx.set(allocationRef(firestore, allocation.allocation_id), allocation);
}

export type TransitionOutcome =
  | { applied: true; before: Allocation | undefined; after: Allocation }
  | { applied: false; current: Allocation | undefined; rejection: TransitionRejection };

export interface DecideOptions {
  /** Refuse unless the allocation is still at this version (what the caller read earlier). */
  expectedVersion?: number;
}

/** The pure decision on an allocation already read in the transaction. */
export function decideTransition(
  current: Allocation | undefined,
  transitions: AllocationTransition | readonly AllocationTransition[],
  options: DecideOptions = {},
): TransitionOutcome {
  const steps = Array.isArray(transitions) ? transitions : [transitions as AllocationTransition];
  const first = steps[0];
  if (!first) throw new RangeError('a transition is required');
  if (options.expectedVersion !== undefined && current?.version !== options.expectedVersion) {
    return {
      applied: false,
      current,
      rejection: {
        reason: 'version_mismatch',
        kind: first.kind,
        status: current?.status ?? null,
        detail: `expected version ${options.expectedVersion}, found ${current?.version ?? 'none'}`,
      },
    };
  }
  const result = applyTransitions(current, steps);
  return result.ok
    ? { applied: true, before: current, after: result.allocation }
    : { applied: false, current, rejection: result.rejection };
}

/**
 * The guarded transition: reads the allocation inside `tx`, checks its state (and version when
 * asked), and writes the next state with the version bumped. Nothing is written when rejected.
 */
export async function transitionAllocation(
  tx: Transaction,
  firestore: Firestore,
  allocationId: string,
  transitions: AllocationTransition | readonly AllocationTransition[],
  options: DecideOptions = {},
): Promise<TransitionOutcome> {
  const current = await readAllocation(tx, firestore, allocationId);
  const outcome = decideTransition(current, transitions, options);
  if (outcome.applied) writeAllocation(tx, firestore, outcome.after);
  return outcome;
}
