import { examples } from '@gpuaas/contracts';
import { event, pushBody } from '@gpuaas/eventing/testing';
import type { RelayHarness } from './harness';

/** Stores a low-balance notification for `userId` through the push route, as a push would. */
export async function seedNotification(
  h: RelayHarness,
  userId: string,
  window: string,
): Promise<void> {
  const e = event('platform.billing.low_balance_warning', {
    ...examples['platform.billing.low_balance_warning'],
    user_id: userId,
    threshold_window: window,
  });
  const res = await h.service.app.request('/push/platform.billing.low_balance_warning', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(
      pushBody(e, { subscription: 'platform.billing.low_balance_warning.notification-relay' }),
    ),
  });
  if (res.status !== 204) throw new Error(`push answered ${res.status}: ${await res.text()}`);
}
