import {
  type CollectionReference,
  type DocumentSnapshot,
  type QueryDocumentSnapshot,
  Timestamp,
} from '@google-cloud/firestore';
import type { DeliveryState } from './delivery-state';

/** gRPC FAILED_PRECONDITION: the document changed since it was read (another tick claimed it). */
const FAILED_PRECONDITION = 9;

/** Pending deliveries due at `now`, earliest first (index: status ASC, next_attempt_at ASC). */
export async function findDue(
  collection: CollectionReference,
  now: Timestamp,
  limit: number,
): Promise<QueryDocumentSnapshot[]> {
  const snap = await collection
    .where('status', '==', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .get();
  return snap.docs;
}

export function isDue(state: Pick<DeliveryState, 'status' | 'next_attempt_at'>, now: Timestamp) {
  return (
    state.status === 'pending' &&
    state.next_attempt_at !== null &&
    state.next_attempt_at.toMillis() <= now.toMillis()
  );
}

/**
 * Claims a due delivery for `owner`: its due time moves to the claim's end, so no other tick
 * sees it until then, and the write holds only if nobody changed the document since `snap` was
 * read. Of two ticks claiming one attempt, exactly one wins.
 */
export async function claimDue(
  snap: DocumentSnapshot,
  owner: string,
  now: Timestamp,
  claimMs: number,
): Promise<boolean> {
  const state = snap.data() as DeliveryState | undefined;
  if (!state || !snap.updateTime || !isDue(state, now)) return false;
  try {
    await snap.ref.update(
      {
        claim_owner: owner,
        next_attempt_at: Timestamp.fromMillis(now.toMillis() + claimMs),
        updated_at: now,
      },
      { lastUpdateTime: snap.updateTime },
    );
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === FAILED_PRECONDITION) return false;
    throw error;
  }
}
