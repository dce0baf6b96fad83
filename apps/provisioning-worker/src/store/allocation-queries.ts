import {
  FieldPath,
  type Firestore,
  type Query,
  type QueryDocumentSnapshot,
  type Transaction,
} from '@google-cloud/firestore';
import {
  ALLOCATIONS_COLLECTION,
  type Allocation,
  type AllocationStatus,
  parseAllocation,
  storedInstant,
} from '@gpuaas/allocations';

const PAGE = 200;

const allocations = (firestore: Firestore) => firestore.collection(ALLOCATIONS_COLLECTION);

const parsed = (docs: QueryDocumentSnapshot[]) =>
  docs.map((doc) => parseAllocation(doc) as Allocation);

/** A user's allocations that hold or may soon hold an instance (force release's query). */
export async function liveAllocationsOfUser(
  firestore: Firestore,
  userId: string,
  tx?: Transaction,
): Promise<Allocation[]> {
  const query = allocations(firestore)
    .where('user_id', '==', userId)
    .where('status', 'in', ['requested', 'provisioning', 'active']);
  const snapshot = await (tx ? tx.get(query) : query.get());
  return parsed(snapshot.docs);
}

/** Releases whose next attempt is due, oldest first (index: status, release.next_attempt_at). */
export async function dueReleases(
  firestore: Firestore,
  now: Date,
  limit: number,
): Promise<Allocation[]> {
  const snapshot = await allocations(firestore)
    .where('status', '==', 'releasing')
    .where('release.next_attempt_at', '<=', storedInstant(now))
    .orderBy('release.next_attempt_at')
    .limit(limit)
    .get();
  return parsed(snapshot.docs);
}

/** Every allocation in these states, page by page (meter and reconcile sweep them all). */
export async function* allocationsIn(
  firestore: Firestore,
  statuses: readonly AllocationStatus[],
): AsyncGenerator<Allocation> {
  let query: Query = allocations(firestore)
    .where('status', 'in', [...statuses])
    .orderBy(FieldPath.documentId())
    .limit(PAGE);
  for (;;) {
    const snapshot = await query.get();
    yield* parsed(snapshot.docs);
    const last = snapshot.docs.at(-1);
    if (snapshot.size < PAGE || !last) return;
    query = query.startAfter(last);
  }
}
