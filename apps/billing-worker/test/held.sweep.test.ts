import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWindow } from '../src/domain/usage-window';
import { heldRef } from '../src/store/held-usage';
import { readWindow, writeWindow } from '../src/store/usage-windows';
import { active, uid, usage } from './fixtures';
import { BillingHarness } from './harness';

describe('held usage whose opening follow-up was lost', () => {
  let h: BillingHarness;
  beforeAll(async () => {
    h = await BillingHarness.start('billing-held', {
      env: { HELD_USAGE_SWEEP_AFTER_SECONDS: '0' },
    });
  });
  afterAll(async () => {
    await h.expectLedgerHolds();
    await h.close();
  });

  it('is rated by evaluate-balances, once', async () => {
    const a = active({ allocation_id: uid('alloc'), user_id: uid('user') });
    const early = usage(a, 0, 60);
    await h.deliver('platform.billing.usage.metered', early);
    expect((await heldRef(h.firestore, early.usage_event_id).get()).exists).toBe(true);
    // The window opens as `active` would, but its follow-up never runs (a crash after commit).
    await h.firestore.runTransaction(async (tx) => {
      const change = openWindow(await readWindow(tx, h.firestore, a.allocation_id), a, 60);
      if ('next' in change) writeWindow(tx, h.firestore, change.next);
    });
    expect(await h.lines(a.user_id)).toHaveLength(0);
    const [first, second] = await Promise.all([h.tick(), h.tick()]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect((first.body.held_rated as number) + (second.body.held_rated as number)).toBe(1);
    const lines = await h.lines(a.user_id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ held: true, amount_micros: 60_000 });
    expect((await heldRef(h.firestore, early.usage_event_id).get()).exists).toBe(false);
    expect(await h.ledger.userBalance(a.user_id, 'USD')).toBe(-60_000);
  });
});
