import {
  type Firestore,
  type QueryDocumentSnapshot,
  Timestamp,
  type Transaction,
} from '@google-cloud/firestore';
import { StringEnum } from '@gpuaas/contracts';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { BalanceState } from '../domain/balance-state';
import { BALANCE_STATES, userCurrencyId } from './collections';
import { Nullable, StoredTimestamp } from './schema-parts';
import { decodeStored } from './stored-document';

/**
 * `billing_balance_states/{user}|{currency}`: written only on a transition, so it is no hot
 * document; its episode and window ids are the warnings' idempotency keys.
 */
export const BalanceStateDoc = Type.Object({
  user_id: Type.String(),
  currency: Type.String(),
  state: StringEnum(['ok', 'low', 'pending_auto_release', 'depleted']),
  episode_id: Nullable(Type.String()),
  warned_at: Nullable(Type.String()),
  auto_release_projected_at: Nullable(Type.String()),
  auto_release_burn_rate: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
  window_id: Nullable(Type.String()),
  depleted_at: Nullable(Type.String()),
  observed_postings: Type.Integer({ minimum: 0 }),
  /** Transitions so far. */
  version: Type.Integer({ minimum: 1 }),
  updated_at: StoredTimestamp,
});
export type BalanceStateDoc = Static<typeof BalanceStateDoc>;
const check = TypeCompiler.Compile(BalanceStateDoc);

const stateRef = (firestore: Firestore, userId: string, currency: string) =>
  firestore.collection(BALANCE_STATES).doc(userCurrencyId(userId, currency));

export interface StoredBalanceState {
  state: BalanceState;
  version: number;
}

/** The stored state, inside `tx` when given; undefined when the user never left `ok`. */
export async function readBalanceState(
  firestore: Firestore,
  userId: string,
  currency: string,
  tx?: Transaction,
): Promise<StoredBalanceState | undefined> {
  const ref = stateRef(firestore, userId, currency);
  const doc = decodeStored(tx ? await tx.get(ref) : await ref.get(), check);
  if (!doc) return undefined;
  const { user_id: _u, currency: _c, version, updated_at: _t, ...state } = doc;
  return { state, version };
}

export function writeBalanceState(
  tx: Transaction,
  firestore: Firestore,
  key: { user_id: string; currency: string },
  state: BalanceState,
  version: number,
): void {
  const doc: BalanceStateDoc = { ...key, ...state, version, updated_at: Timestamp.now() };
  tx.set(stateRef(firestore, key.user_id, key.currency), doc);
}

/** Every (user, currency) outside `ok`: a credit may re-arm them between usage events. */
export async function* usersNotOk(
  firestore: Firestore,
): AsyncGenerator<{ user_id: string; currency: string }> {
  const stream = firestore
    .collection(BALANCE_STATES)
    .where('state', 'in', ['low', 'pending_auto_release', 'depleted'])
    .select('user_id', 'currency')
    .stream() as AsyncIterable<QueryDocumentSnapshot>;
  for await (const doc of stream) {
    const userId = doc.get('user_id');
    const currency = doc.get('currency');
    if (typeof userId === 'string' && typeof currency === 'string') {
      yield { user_id: userId, currency };
    }
  }
}
