import type { Firestore } from '@google-cloud/firestore';
import { readWindow } from '../store/usage-windows';

export interface WindowKey {
  user_id: string;
  currency: string;
}

const MAX_ENTRIES = 10_000;

/**
 * Whose balance, in which currency, an allocation's usage draws on. Fixed once its window has a
 * price, so it is remembered in memory and each follow-up saves a read; unknown until then.
 */
export function createWindowKeys() {
  const known = new Map<string, WindowKey>();
  return async function windowKey(
    firestore: Firestore,
    allocationId: string,
  ): Promise<WindowKey | undefined> {
    const cached = known.get(allocationId);
    if (cached) return cached;
    const window = await readWindow(undefined, firestore, allocationId);
    if (!window?.price) return undefined;
    const key = { user_id: window.user_id, currency: window.price.currency };
    // Oldest first out: a Map iterates in insertion order.
    if (known.size >= MAX_ENTRIES) known.delete(known.keys().next().value as string);
    known.set(allocationId, key);
    return key;
  };
}
export type WindowKeys = ReturnType<typeof createWindowKeys>;
