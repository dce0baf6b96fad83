import type { Captured } from '@gpuaas/eventing/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { heldRef } from '../src/store/held-usage';
import { readWindow } from '../src/store/usage-windows';
import { active, uid, usage } from './fixtures';
import { BillingHarness } from './harness';

describe('usage that can never be charged is dead-lettered with its reason', () => {
  let h: BillingHarness;
  beforeAll(async () => {
    h = await BillingHarness.start('billing-usage-err');
  });
  afterEach(async () => {
    await h.expectLedgerHolds();
  });
  afterAll(() => h.close());

  const dead = (match: (m: Captured) => boolean) =>
    h.served?.deadLetters('billing-worker').waitFor(match, 20_000) as Promise<Captured>;
  const about = (id: string) => (m: Captured) =>
    (m.json?.payload as { usage_event_id?: string } | undefined)?.usage_event_id === id;

  it.each([
    ['unsupported_product', { product_code: 'storage' }],
    ['interval_reversed', 'reversed'],
    ['user_mismatch', 'other-user'],
  ] as const)('%s', async (reason, change) => {
    const a = active({ allocation_id: uid('alloc'), user_id: uid('user') });
    await h.publish('gpuaas.provisioning.active', a);
    await h.waitForWindow(a.allocation_id, 'open');
    const base = usage(a, 0, 60);
    const u =
      change === 'reversed'
        ? {
            ...base,
            interval_end: base.interval_start,
            interval_start: usage(a, 60, 61).interval_start,
          }
        : change === 'other-user'
          ? { ...base, user_id: uid('intruder') }
          : { ...base, ...change };
    await h.publish('platform.billing.usage.metered', u);
    const letter = await dead(about(u.usage_event_id));
    expect(letter.attributes.dlq_reason).toBe('handler_rejected');
    expect(letter.attributes.dlq_detail).toContain(reason);
    expect(await h.lines(a.user_id)).toHaveLength(0);
    expect(await h.ledger.getTransaction(u.usage_event_id)).toBeUndefined();
  });

  it('usage held under another user than active names is never charged; its hold is marked', async () => {
    const a = active({ allocation_id: uid('alloc'), user_id: uid('user') });
    const foreign = usage({ ...a, user_id: uid('intruder') }, 0, 60);
    await h.deliver('platform.billing.usage.metered', foreign);
    await h.deliver('gpuaas.provisioning.active', a);
    const hold = await heldRef(h.firestore, foreign.usage_event_id).get();
    expect(hold.get('rejection')).toMatchObject({ reason: 'user_mismatch' });
    expect(await h.lines(a.user_id)).toHaveLength(0);
    expect(await h.lines(foreign.user_id)).toHaveLength(0);
    expect(await h.ledger.getTransaction(foreign.usage_event_id)).toBeUndefined();
  });

  it('the same usage_event_id with another interval is a conflict, charged only as first seen', async () => {
    const a = active({ allocation_id: uid('alloc'), user_id: uid('user') });
    await h.publish('gpuaas.provisioning.active', a);
    const first = usage(a, 0, 60);
    await h.publish('platform.billing.usage.metered', first);
    await h.waitForLines(a.user_id, a.allocation_id, 1);
    const longer = { ...first, interval_end: usage(a, 0, 600).interval_end, quantity: 600 };
    await h.publish('platform.billing.usage.metered', longer);
    const letter = await dead(
      (m) => about(first.usage_event_id)(m) && m.attributes.dlq_reason === 'idempotency_conflict',
    );
    expect(letter).toBeDefined();
    const lines = await h.lines(a.user_id, a.allocation_id);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.amount_micros).toBe(60_000);
  });

  it('a window in a currency not billed here is refused', async () => {
    const a = active({ allocation_id: uid('alloc'), user_id: uid('user'), currency: 'EUR' });
    await h.publish('gpuaas.provisioning.active', a);
    const letter = await dead(
      (m) => (m.json?.payload as { allocation_id?: string })?.allocation_id === a.allocation_id,
    );
    expect(letter.attributes.dlq_detail).toContain('EUR');
  });

  it('an active naming an increment off its 1.1 declaration is dead-lettered, even as 1.0', async () => {
    const a = active({ allocation_id: uid('alloc'), user_id: uid('user') });
    // 1.0 does not declare the field; 1.1 does (1 or 60), and every 1.x is checked against 1.1.
    await h.bus.publishUnchecked('gpuaas.provisioning.active', '1.0', {
      ...a,
      billing_increment_seconds: 30,
    });
    const letter = await dead(
      (m) => (m.json?.payload as { allocation_id?: string })?.allocation_id === a.allocation_id,
    );
    expect(letter.attributes.dlq_reason).toBe('payload_invalid');
    expect(letter.attributes.dlq_detail).toContain('billing_increment_seconds');
    expect(await readWindow(undefined, h.firestore, a.allocation_id)).toBeUndefined();
  });

  it('a payload off its schema is dead-lettered by the runtime', async () => {
    const a = active({ allocation_id: uid('alloc'), user_id: uid('user') });
    const bad = { ...usage(a, 0, 60), quantity: -1 };
    // Unchecked: the test publisher validates what it sends, as producers do.
    await h.bus.publishUnchecked('platform.billing.usage.metered', '1.0', bad);
    const letter = await dead(about(bad.usage_event_id));
    expect(letter.attributes.dlq_reason).toBe('payload_invalid');
  });
});
