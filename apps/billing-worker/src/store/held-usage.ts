import { type Firestore, Timestamp, type Transaction } from '@google-cloud/firestore';
import type { Usage } from '../domain/usage-line';
import { documentId, HELD_USAGE } from './collections';

/** `billing_held_usage/{usage_event_id}`: an interval waiting for its window's `active`. */
export interface HeldUsageDoc {
  usage: Usage;
  allocation_id: string;
  user_id: string;
  held_at: Timestamp;
  /** Set when the window opened and the interval could never be charged (an operator looks). */
  rejection: { reason: string; detail: string } | null;
}

export const heldRef = (firestore: Firestore, usageEventId: string) =>
  firestore.collection(HELD_USAGE).doc(documentId(usageEventId));

export function holdUsageDoc(tx: Transaction, firestore: Firestore, usage: Usage): void {
  const doc: HeldUsageDoc = {
    usage,
    allocation_id: usage.resource_id,
    user_id: usage.user_id,
    held_at: Timestamp.now(),
    rejection: null,
  };
  tx.set(heldRef(firestore, usage.usage_event_id), doc);
}

export function markHeldRejected(
  tx: Transaction,
  firestore: Firestore,
  usageEventId: string,
  rejection: { reason: string; detail: string },
): void {
  tx.update(heldRef(firestore, usageEventId), { rejection });
}

export async function readHeld(
  tx: Transaction,
  firestore: Firestore,
  usageEventId: string,
): Promise<Usage | undefined> {
  const snap = await tx.get(heldRef(firestore, usageEventId));
  return snap.exists ? (snap.get('usage') as Usage) : undefined;
}

export function releaseHeld(tx: Transaction, firestore: Firestore, usageEventId: string): void {
  tx.delete(heldRef(firestore, usageEventId));
}

/** Held intervals older than `before` (the sweep's safety net), oldest first. */
export async function heldBefore(
  firestore: Firestore,
  before: Date,
  limit: number,
): Promise<{ usage_event_id: string; allocation_id: string }[]> {
  const snap = await firestore
    .collection(HELD_USAGE)
    .where('rejection', '==', null)
    .where('held_at', '<', Timestamp.fromDate(before))
    .orderBy('held_at')
    .limit(limit)
    .get();
  return snap.docs.map((doc) => ({
    usage_event_id: (doc.get('usage') as Usage).usage_event_id,
    allocation_id: doc.get('allocation_id') as string,
  }));
}
