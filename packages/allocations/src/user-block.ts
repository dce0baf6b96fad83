import type { Firestore, Transaction } from '@google-cloud/firestore';
import { Currency, Identifier, Rfc3339Utc } from '@gpuaas/contracts';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { PROVISIONING_BLOCKS_COLLECTION } from './collections';
import { AllocationDocumentError } from './errors';
import { msOf, storedInstant } from './instants';
import { ledgerBalanceOf } from './ledger-balance';

/**
 * `provisioning_blocks/{user_id}`: the user's balance was depleted at `depleted_at`. New
 * allocations fail with `insufficient_balance` until a check finds the balance above zero again,
 * which clears the block (`cleared_at`). A depletion older than the clearing is stale.
 */
export const UserBlock = Type.Object(
  {
    user_id: Identifier,
    currency: Currency,
    depleted_at: Rfc3339Utc,
    balance_micros: Type.Integer(),
    window_id: Type.Union([Type.String(), Type.Null()]),
    recorded_at: Rfc3339Utc,
    cleared_at: Type.Union([Rfc3339Utc, Type.Null()]),
    cleared_balance_micros: Type.Union([Type.Integer(), Type.Null()]),
    version: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);
export type UserBlock = Static<typeof UserBlock>;
const checkBlock = TypeCompiler.Compile(UserBlock);

export interface Depletion {
  user_id: string;
  currency: string;
  depleted_at: string;
  balance_micros: number;
  window_id?: string | null;
}

/** The user's current balance in integer micros (the ledger's `userBalance`). */
export type BalanceOf = (userId: string, currency: string) => Promise<number>;

const blockRef = (firestore: Firestore, userId: string) =>
  firestore.collection(PROVISIONING_BLOCKS_COLLECTION).doc(userId);

function parseBlock(path: string, data: unknown): UserBlock {
  if (!checkBlock.Check(data)) {
    const first = checkBlock.Errors(data).First();
    throw new AllocationDocumentError('document_invalid', path, first?.message ?? 'invalid');
  }
  return data;
}

/** The user's block, read in `tx` when given. */
export async function readUserBlock(
  firestore: Firestore,
  userId: string,
  tx?: Transaction,
): Promise<UserBlock | undefined> {
  const ref = blockRef(firestore, userId);
  const snapshot = await (tx ? tx.get(ref) : ref.get());
  return snapshot.exists ? parseBlock(ref.path, snapshot.data()) : undefined;
}

export const isBlocking = (block: UserBlock | undefined): block is UserBlock =>
  block !== undefined && block.cleared_at === null;

/**
 * Records a depletion in `tx`: `recorded` (a new or newer block), or `stale` (one at or before
 * what is stored, or before the block was last cleared): duplicates change nothing.
 */
export async function recordDepletion(
  tx: Transaction,
  firestore: Firestore,
  depletion: Depletion,
  at: string,
): Promise<'recorded' | 'stale'> {
  const current = await readUserBlock(firestore, depletion.user_id, tx);
  const depletedAt = storedInstant(depletion.depleted_at);
  if (current && msOf(depletedAt) <= msOf(current.cleared_at ?? current.depleted_at)) {
    return 'stale';
  }
  tx.set(blockRef(firestore, depletion.user_id), {
    user_id: depletion.user_id,
    currency: depletion.currency,
    depleted_at: depletedAt,
    balance_micros: depletion.balance_micros,
    window_id: depletion.window_id ?? null,
    recorded_at: storedInstant(at),
    cleared_at: null,
    cleared_balance_micros: null,
    version: (current?.version ?? 0) + 1,
  } satisfies UserBlock);
  return 'recorded';
}

export type GateVerdict =
  | { open: true; cleared: boolean }
  | { open: false; currency: string; balance_micros: number; depleted_at: string };

export interface ProvisioningGateOptions {
  firestore: Firestore;
  /** The ledger's `userBalance` by default. */
  balanceOf?: BalanceOf;
  now?: () => Date;
}

/**
 * Whether the user may get a new allocation: no block, or a block whose balance is above zero
 * again. `clear` (the worker) also clears such a block, unless a newer depletion arrived meanwhile.
 */
export async function checkProvisioningGate(
  options: ProvisioningGateOptions,
  userId: string,
  { clear }: { clear: boolean },
): Promise<GateVerdict> {
  const { firestore } = options;
  const balanceOf = options.balanceOf ?? ledgerBalanceOf(firestore);
  const now = options.now ?? (() => new Date());
  const block = await readUserBlock(firestore, userId);
  if (!isBlocking(block)) return { open: true, cleared: false };
  const balance = await balanceOf(userId, block.currency);
  if (balance <= 0) {
    return {
      open: false,
      currency: block.currency,
      balance_micros: balance,
      depleted_at: block.depleted_at,
    };
  }
  if (!clear) return { open: true, cleared: false };
  const cleared = await firestore.runTransaction(async (tx) => {
    const latest = await readUserBlock(firestore, userId, tx);
    if (!isBlocking(latest)) return true;
    // A depletion recorded after we read the balance is newer than that balance: it stands.
    if (latest.version !== block.version) return false;
    tx.set(blockRef(firestore, userId), {
      ...latest,
      cleared_at: storedInstant(now()),
      cleared_balance_micros: balance,
      version: latest.version + 1,
    } satisfies UserBlock);
    return true;
  });
  if (!cleared) return checkProvisioningGate(options, userId, { clear });
  return { open: true, cleared: true };
}
