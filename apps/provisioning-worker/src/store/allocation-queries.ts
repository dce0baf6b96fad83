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

/** Parses a page, passing documents off the schema to `onInvalid` instead of failing the sweep. */
function parsedOrSkipped(
  docs: QueryDocumentSnapshot[],
  onInvalid: (path: string, error: unknown) => void,
): Allocation[] {
  const found: Allocation[] = [];
  for (const doc of docs) {
    try {
      found.push(parseAllocation(doc) as Allocation);
    } catch (error) {
      onInvalid(doc.ref.path, error);
    }
  }
  return found;
}

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
  onInvalid: (path: string, error: unknown) => void,
): Promise<Allocation[]> {
  const snapshot = await allocations(firestore)
    .where('status', '==', 'releasing')
    .where('release.next_attempt_at', '<=', storedInstant(now))
    .orderBy('release.next_attempt_at')
    .limit(limit)
    .get();
  return parsedOrSkipped(snapshot.docs, onInvalid);
}

/**
 * Every allocation in these states, page by page (meter and reconcile sweep them all). A
 * document off the schema is reported to `onInvalid` and skipped: one bad document must not
 * stop the sweep of all the others.
 */
export async function* allocationsIn(
  firestore: Firestore,
  statuses: readonly AllocationStatus[],
  onInvalid: (path: string, error: unknown) => void,
): AsyncGenerator<Allocation> {
  let query: Query = allocations(firestore)
    .where('status', 'in', [...statuses])
    .orderBy(FieldPath.documentId())
    .limit(PAGE);
  for (;;) {
    const snapshot = await query.get();
    yield* parsedOrSkipped(snapshot.docs, onInvalid);
    const last = snapshot.docs.at(-1);
    if (snapshot.size < PAGE || !last) return;
    query = query.startAfter(last);
  }
}
