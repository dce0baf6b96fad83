import { randomUUID } from 'node:crypto';
import type { ConsumerName, EventType, PayloadOf } from '@gpuaas/contracts';
import { encodeEvent } from '@gpuaas/eventing';
import { postPush, rawPushBody } from '@gpuaas/eventing/testing';
import type { ReplayHarness } from './harness';

/** The bytes and attributes a producer publishes for an event. */
export function published<T extends EventType>(
  eventType: T,
  payload: PayloadOf<T>,
  correlationId = `corr-${randomUUID()}`,
) {
  return encodeEvent(eventType, payload, 'test-producer', { correlationId });
}

/** A dead letter as our consumers publish it to `<consumer>.dlq`, pushed straight to the archive. */
export async function pushLetter(
  h: ReplayHarness,
  consumer: ConsumerName,
  eventType: string,
  data: Buffer | string,
  attributes: Record<string, string>,
  reason = 'handler_rejected',
): Promise<number> {
  const res = await postPush(
    h.replay.service.app,
    `/push/dead-letter/${consumer}`,
    rawPushBody(data, {
      ...attributes,
      dlq_reason: reason,
      dlq_detail: `${reason} in a test`,
      source_subscription: `${eventType}.${consumer}`,
      source_message_id: randomUUID(),
      dead_lettered_at: new Date().toISOString(),
    }),
  );
  return res.status;
}
