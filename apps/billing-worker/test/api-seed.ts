import { active, uid, usage } from './fixtures';
import type { BillingHarness } from './harness';

/** A registered user with a credit and `intervals` charged minutes on one allocation. */
export async function seedUser(h: BillingHarness, intervals = 3, credit = 10_000_000) {
  const user = await h.user();
  const a = active({ allocation_id: uid('alloc'), user_id: user.userId });
  const creditId = await h.credit(user.userId, credit);
  await h.deliver('gpuaas.provisioning.active', a);
  for (let i = 0; i < intervals; i++) {
    await h.deliver('platform.billing.usage.metered', usage(a, i * 60, (i + 1) * 60));
  }
  return { ...user, allocation: a, creditTransaction: `ltx_${creditId}`, stripeEventId: creditId };
}
