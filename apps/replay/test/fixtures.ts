import { randomUUID } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import { examples, type PayloadOf } from '@gpuaas/contracts';
import { defineSubscription, rejectEvent, TransientError } from '@gpuaas/eventing';

export const ACTIVE = 'gpuaas.provisioning.active';
export type ActivePayload = PayloadOf<typeof ACTIVE>;

export const activePayload = (allocationId = `alloc-${randomUUID()}`): ActivePayload => ({
  ...examples[ACTIVE],
  allocation_id: allocationId,
});

/** What a test consumer does with an allocation: apply it, reject it for good, or be down. */
export type Behaviour = 'apply' | 'reject' | 'down';

/** Behaviour per allocation id, changeable while the service runs ("fix the cause"). */
export class Switchboard {
  private readonly modes = new Map<string, Behaviour>();
  set(allocationId: string, mode: Behaviour): void {
    this.modes.set(allocationId, mode);
  }
  of(allocationId: string): Behaviour {
    return this.modes.get(allocationId) ?? 'apply';
  }
}

export const BILLING_APPLIED = 'test_billing_applied';
export const RELAY_APPLIED = 'test_relay_applied';

/** billing-worker of `provisioning.active`: counts each application in its own transaction. */
export function billingConsumer(board: Switchboard) {
  return defineSubscription({
    consumer: 'billing-worker',
    eventType: ACTIVE,
    async handle(event, ctx) {
      const mode = board.of(event.payload.allocation_id);
      if (mode === 'reject')
        rejectEvent(`allocation ${event.payload.allocation_id} is not billable`);
      if (mode === 'down') throw new TransientError('ledger_down', 'the ledger is down');
      const ref = ctx.firestore.collection(BILLING_APPLIED).doc(event.payload.allocation_id);
      const snap = await ctx.tx.get(ref);
      ctx.tx.set(ref, {
        applied: ((snap.get('applied') as number | undefined) ?? 0) + 1,
        gpu_count: event.payload.gpu_count,
        event_id: event.event_id,
      });
    },
  });
}

/** notification-relay of the same event type: the consumer a replay must not reach. */
export function relayConsumer() {
  return defineSubscription({
    consumer: 'notification-relay',
    eventType: ACTIVE,
    async handle(event, ctx) {
      const ref = ctx.firestore.collection(RELAY_APPLIED).doc(event.payload.allocation_id);
      const snap = await ctx.tx.get(ref);
      ctx.tx.set(ref, { applied: ((snap.get('applied') as number | undefined) ?? 0) + 1 });
    },
  });
}

export async function appliedCount(
  firestore: Firestore,
  collection: string,
  allocationId: string,
): Promise<number> {
  return (
    ((await firestore.collection(collection).doc(allocationId).get()).get('applied') as
      | number
      | undefined) ?? 0
  );
}
