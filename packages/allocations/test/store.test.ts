import { createLedger } from '@gpuaas/ledger';
import { firestoreClient, uniqueProjectId } from '@gpuaas/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ALLOCATIONS_COLLECTION,
  AllocationDocumentError,
  checkProvisioningGate,
  getAllocation,
  readAllocations,
  readUserBlock,
  recordDepletion,
  transitionAllocation,
} from '../src/index';
import { at, instance, newAllocation, T0 } from './fixtures';

const firestore = firestoreClient(uniqueProjectId('allocations'));
afterAll(() => firestore.terminate());

let counter = 0;
const freshId = () => `alloc_store_${++counter}`;

async function create(id: string) {
  return firestore.runTransaction((tx) =>
    transitionAllocation(tx, firestore, id, {
      kind: 'request',
      at: T0,
      allocation: newAllocation({ allocation_id: id }),
    }),
  );
}

describe('the guarded transition on Firestore', () => {
  it('writes the next state with the version bumped, and nothing when rejected', async () => {
    const id = freshId();
    expect(await create(id)).toMatchObject({ applied: true, after: { version: 1 } });
    expect(await create(id)).toMatchObject({
      applied: false,
      rejection: { reason: 'already_applied' },
    });
    await firestore.runTransaction((tx) =>
      transitionAllocation(tx, firestore, id, { kind: 'start_provisioning', at: at(1) }),
    );
    const stored = await getAllocation(firestore, id);
    expect(stored).toMatchObject({ status: 'provisioning', version: 2 });
    const stale = await firestore.runTransaction((tx) =>
      transitionAllocation(tx, firestore, id, { kind: 'meter', at: at(2), through: at(2) }),
    );
    expect(stale).toMatchObject({ applied: false, rejection: { reason: 'not_allowed' } });
    expect((await getAllocation(firestore, id))?.version).toBe(2);
  });

  it('refuses a write based on an older version', async () => {
    const id = freshId();
    await create(id);
    const outcome = await firestore.runTransaction((tx) =>
      transitionAllocation(
        tx,
        firestore,
        id,
        { kind: 'start_provisioning', at: at(1) },
        { expectedVersion: 7 },
      ),
    );
    expect(outcome).toMatchObject({ applied: false, rejection: { reason: 'version_mismatch' } });
  });

  it('lets exactly one of two concurrent, conflicting activations win', async () => {
    const id = freshId();
    await create(id);
    const activate = (instanceId: string, startedAt: string) =>
      firestore.runTransaction((tx) =>
        transitionAllocation(tx, firestore, id, {
          kind: 'activate',
          at: startedAt,
          started_at: startedAt,
          instance: instance(instanceId),
        }),
      );
    const outcomes = await Promise.all([activate('sim-a', at(10)), activate('sim-b', at(20))]);
    expect(outcomes.filter((o) => o.applied)).toHaveLength(1);
    const stored = await getAllocation(firestore, id);
    const winner = outcomes.find((o) => o.applied);
    expect(stored?.instance?.provider_instance_id).toBe(
      winner?.applied ? winner.after.instance?.provider_instance_id : undefined,
    );
    expect(stored?.version).toBe(2);
  });

  it('reads several allocations at once, missing ones as undefined', async () => {
    const [a, b] = [freshId(), freshId()];
    await create(a);
    const found = await firestore.runTransaction((tx) => readAllocations(tx, firestore, [a, b, a]));
    expect(found.get(a)?.allocation_id).toBe(a);
    expect(found.has(b)).toBe(true);
    expect(found.get(b)).toBeUndefined();
  });

  it('throws a typed error on a document off its schema', async () => {
    const id = freshId();
    await firestore.collection(ALLOCATIONS_COLLECTION).doc(id).set({ status: 'active' });
    await expect(getAllocation(firestore, id)).rejects.toBeInstanceOf(AllocationDocumentError);
  });
});

describe('the depletion block', () => {
  const depletion = (userId: string, depletedAt: string) => ({
    user_id: userId,
    currency: 'USD',
    depleted_at: depletedAt,
    balance_micros: -5,
  });
  const record = (userId: string, depletedAt: string) =>
    firestore.runTransaction((tx) =>
      recordDepletion(tx, firestore, depletion(userId, depletedAt), depletedAt),
    );

  it('records a depletion once; an older or equal one is stale', async () => {
    expect(await record('user-block-1', at(10))).toBe('recorded');
    expect(await record('user-block-1', at(10))).toBe('stale');
    expect(await record('user-block-1', at(5))).toBe('stale');
    expect(await record('user-block-1', at(20))).toBe('recorded');
    expect((await readUserBlock(firestore, 'user-block-1'))?.depleted_at).toBe(at(20));
  });

  it('stays closed while the balance is not above zero, and clears once it is', async () => {
    await record('user-block-2', at(10));
    let balance = 0;
    const gate = { firestore, balanceOf: async () => balance };
    expect(await checkProvisioningGate(gate, 'user-block-2', { clear: true })).toMatchObject({
      open: false,
      balance_micros: 0,
    });
    balance = 1_000_000;
    // The orchestrator only looks; the worker clears.
    expect(await checkProvisioningGate(gate, 'user-block-2', { clear: false })).toEqual({
      open: true,
      cleared: false,
    });
    expect((await readUserBlock(firestore, 'user-block-2'))?.cleared_at).toBeNull();
    expect(await checkProvisioningGate(gate, 'user-block-2', { clear: true })).toEqual({
      open: true,
      cleared: true,
    });
    const cleared = await readUserBlock(firestore, 'user-block-2');
    expect(cleared?.cleared_balance_micros).toBe(1_000_000);
    // A depletion from before the clearing is stale; the gate stays open without a balance read.
    expect(await record('user-block-2', at(11))).toBe('stale');
    const unread = { firestore, balanceOf: async () => Promise.reject(new Error('not read')) };
    expect(await checkProvisioningGate(unread, 'user-block-2', { clear: true })).toMatchObject({
      open: true,
    });
  });

  it('does not clear a block renewed while the balance was read', async () => {
    await record('user-block-3', at(10));
    const balances = [5, 0];
    const gate = {
      firestore,
      balanceOf: async () => {
        // A newer depletion lands between the balance read and the clearing.
        if (balances.length === 2) await record('user-block-3', at(30));
        return balances.shift() ?? 0;
      },
    };
    expect(await checkProvisioningGate(gate, 'user-block-3', { clear: true })).toMatchObject({
      open: false,
    });
    expect((await readUserBlock(firestore, 'user-block-3'))?.cleared_at).toBeNull();
  });

  it('lets a user without a block through', async () => {
    const gate = { firestore, balanceOf: async () => -1 };
    expect(await checkProvisioningGate(gate, 'user-never-blocked', { clear: true })).toEqual({
      open: true,
      cleared: false,
    });
  });
});

describe('the gate on the ledger', () => {
  it('reads the balance from the ledger by default', async () => {
    const user = 'user-ledger';
    await firestore.runTransaction((tx) =>
      recordDepletion(
        tx,
        firestore,
        { user_id: user, currency: 'USD', depleted_at: at(10), balance_micros: 0 },
        at(10),
      ),
    );
    expect(await checkProvisioningGate({ firestore }, user, { clear: true })).toMatchObject({
      open: false,
      balance_micros: 0,
    });
    await firestore.runTransaction((tx) =>
      createLedger({ firestore }).post(tx, {
        transaction_id: 'grant-user-ledger',
        kind: 'manual_credit',
        posted_at: at(20),
        postings: [
          {
            account: 'credit_grants',
            direction: 'debit',
            amount_micros: 2_000_000,
            currency: 'USD',
          },
          {
            account: `customer_credit:${user}`,
            direction: 'credit',
            amount_micros: 2_000_000,
            currency: 'USD',
          },
        ],
      }),
    );
    expect(await checkProvisioningGate({ firestore }, user, { clear: true })).toEqual({
      open: true,
      cleared: true,
    });
    expect((await readUserBlock(firestore, user))?.cleared_balance_micros).toBe(2_000_000);
  });
});
