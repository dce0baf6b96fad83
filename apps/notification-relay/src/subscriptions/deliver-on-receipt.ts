import type { FollowUpContext } from '@gpuaas/eventing';
import { describeError } from '@gpuaas/eventing';
import type { RelayDeps } from './relay-deps';

/**
 * The first attempt right after the push committed, without holding the push: it runs in the
 * background (shutdown waits for it within its grace), and the delivery task is the guarantee if
 * it does not finish.
 */
export function deliverOnReceipt(
  deps: RelayDeps,
  ctx: FollowUpContext,
  ids: { notifications: string[]; opsAlerts: string[] },
): void {
  if (!deps.config.deliverOnReceipt) return;
  if (ids.notifications.length + ids.opsAlerts.length === 0) return;
  ctx.waitUntil(
    deps
      .delivery(ctx.firestore, ctx.log)
      .deliverNow(ids)
      .catch((error: unknown) => {
        ctx.log.warn(
          { err: describeError(error) },
          'delivery on receipt failed; the task retries it',
        );
      }),
  );
}
