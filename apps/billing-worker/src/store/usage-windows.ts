import {
  type Firestore,
  type QueryDocumentSnapshot,
  Timestamp,
  type Transaction,
} from '@google-cloud/firestore';
import { StringEnum } from '@gpuaas/contracts';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { UsageWindow } from '../domain/usage-window';
import { documentId, USAGE_WINDOWS } from './collections';
import { Nullable, StoredTimestamp } from './schema-parts';
import { decodeStored } from './stored-document';
import { lineRef } from './usage-lines';

const PriceSnapshotDoc = Type.Object({
  price_id: Type.String(),
  rate_micros_per_gpu_hour: Type.Integer({ minimum: 0 }),
  currency: Type.String(),
  gpu_count: Type.Integer({ minimum: 1 }),
  billing_increment_seconds: Type.Integer({ minimum: 1 }),
});

/** `billing_usage_windows/{allocation_id}`; `currency` is repeated top-level for burn-rate queries. */
export const UsageWindowDoc = Type.Object({
  allocation_id: Type.String(),
  user_id: Type.String(),
  state: StringEnum(['awaiting_active', 'open', 'closed', 'stopped']),
  currency: Nullable(Type.String()),
  price: Nullable(PriceSnapshotDoc),
  gpu_type: Nullable(Type.String()),
  started_at: Nullable(Type.String()),
  released_at: Nullable(Type.String()),
  failed_at: Nullable(Type.String()),
  held_usage_ids: Type.Array(Type.String()),
  updated_at: StoredTimestamp,
});
export type UsageWindowDoc = Static<typeof UsageWindowDoc>;
const check = TypeCompiler.Compile(UsageWindowDoc);

const toWindow = ({ currency: _c, updated_at: _u, ...window }: UsageWindowDoc): UsageWindow =>
  window;

export const windowRef = (firestore: Firestore, allocationId: string) =>
  firestore.collection(USAGE_WINDOWS).doc(documentId(allocationId));

/** The window, read inside `tx` (every usage charge reads it: shared, never written by them). */
export async function readWindow(
  tx: Transaction | undefined,
  firestore: Firestore,
  allocationId: string,
): Promise<UsageWindow | undefined> {
  const ref = windowRef(firestore, allocationId);
  const doc = decodeStored(tx ? await tx.get(ref) : await ref.get(), check);
  return doc && toWindow(doc);
}

/** The window and whether the usage's line exists, in one read of the transaction. */
export async function readWindowAndLine(
  tx: Transaction,
  firestore: Firestore,
  allocationId: string,
  usageEventId: string,
): Promise<{ window: UsageWindow | undefined; lineExists: boolean }> {
  const [windowSnap, lineSnap] = await tx.getAll(
    windowRef(firestore, allocationId),
    lineRef(firestore, usageEventId),
  );
  const doc = windowSnap ? decodeStored(windowSnap, check) : undefined;
  return { window: doc && toWindow(doc), lineExists: lineSnap?.exists === true };
}

export function writeWindow(tx: Transaction, firestore: Firestore, window: UsageWindow): void {
  const doc: UsageWindowDoc = {
    ...window,
    currency: window.price?.currency ?? null,
    updated_at: Timestamp.now(),
  };
  tx.set(windowRef(firestore, window.allocation_id), doc);
}

/** The user's open windows in a currency: what burns the balance now. */
export async function openWindows(
  firestore: Firestore,
  userId: string,
  currency: string,
): Promise<UsageWindow[]> {
  const snap = await firestore
    .collection(USAGE_WINDOWS)
    .where('user_id', '==', userId)
    .where('currency', '==', currency)
    .where('state', '==', 'open')
    .get();
  return snap.docs.flatMap((doc) => {
    const data = decodeStored(doc, check);
    return data ? [toWindow(data)] : [];
  });
}

/** Every (user, currency) with an open window, each once. */
export async function* usersWithOpenWindows(
  firestore: Firestore,
): AsyncGenerator<{ user_id: string; currency: string }> {
  const seen = new Set<string>();
  const stream = firestore
    .collection(USAGE_WINDOWS)
    .where('state', '==', 'open')
    .select('user_id', 'currency')
    .stream() as AsyncIterable<QueryDocumentSnapshot>;
  for await (const doc of stream) {
    const userId = doc.get('user_id');
    const currency = doc.get('currency');
    if (typeof userId !== 'string' || typeof currency !== 'string') continue;
    const key = `${userId}|${currency}`;
    if (seen.has(key)) continue;
    seen.add(key);
    yield { user_id: userId, currency };
  }
}
