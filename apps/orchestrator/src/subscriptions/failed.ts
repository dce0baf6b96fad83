import { readAllocation, storedInstant, transitionAllocation } from '@gpuaas/allocations';
import { canonicalTimestamp } from '@gpuaas/contracts';
import { defineSubscription } from '@gpuaas/eventing';

/**
 * The api-read-model's view of `gpuaas.provisioning.failed`: the failure applied to the
 * allocation through the same guarded transition the worker uses, so whichever writes first,
 * the status shown is the latest and a stale or repeated failure changes nothing.
 */
export const failedSubscription = defineSubscription({
  consumer: 'api-read-model',
  eventType: 'gpuaas.provisioning.failed',
  async handle(event, ctx) {
    const p = event.payload;
    const current = await readAllocation(ctx.tx, ctx.firestore, p.allocation_id);
    if (!current || current.user_id !== p.user_id) {
      ctx.log.warn({ allocation_id: p.allocation_id }, 'failure of an unknown allocation ignored');
      return;
    }
    const outcome = await transitionAllocation(ctx.tx, ctx.firestore, p.allocation_id, {
      kind: 'fail',
      at: storedInstant(canonicalTimestamp(p.failed_at)),
      failure: {
        reason_code: p.reason_code,
        reason_message: p.reason_message,
        reason_hash: p.reason_hash,
        attempts: p.attempts,
        retryable: p.retryable,
        provider_instance_id: p.provider_instance_id ?? null,
      },
    });
    if (!outcome.applied && outcome.rejection.reason !== 'already_applied') {
      ctx.log.info(
        { allocation_id: p.allocation_id, rejection: outcome.rejection },
        'stale failure',
      );
    }
  },
});
