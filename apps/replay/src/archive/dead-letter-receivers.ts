import { CONSUMERS, type ConsumerName, catalog } from '@gpuaas/contracts';
import {
  definePushReceiver,
  describeError,
  type PushReceiver,
  type ServiceRuntime,
} from '@gpuaas/eventing';
import { archivePushPath } from '@gpuaas/topology/services';
import { incomingLetter } from '../domain/incoming-letter';
import type { ArchiveLetter } from '../store/archive-store';

/** Consumers with at least one catalog subscription: each has a `<consumer>.dlq.archive`. */
export const ARCHIVED_CONSUMERS: readonly ConsumerName[] = CONSUMERS.filter((consumer) =>
  Object.values(catalog).some((entry) => (entry.consumers as readonly string[]).includes(consumer)),
);

export interface DeadLetterReceiversOptions {
  archiveOf: (runtime: ServiceRuntime) => ArchiveLetter;
  now: () => Date;
}

/**
 * The push endpoint of every `<consumer>.dlq.archive` subscription. It takes any bytes: a letter
 * the archive cannot store is answered 503, so Pub/Sub keeps it and pushes it again.
 */
export function deadLetterReceivers(options: DeadLetterReceiversOptions): PushReceiver[] {
  return ARCHIVED_CONSUMERS.map((consumer) =>
    definePushReceiver({
      path: archivePushPath(consumer),
      async receive(message, { runtime, log }) {
        const letter = incomingLetter(consumer, message);
        try {
          const change = await options.archiveOf(runtime)(letter, options.now());
          log.info(
            {
              entry_id: letter.entryId,
              change,
              dlq_reason: letter.reason.code,
              source_subscription: letter.route.subscription,
              bytes: letter.data.length,
            },
            'dead letter archived',
          );
          return 'ack';
        } catch (error) {
          return { retry: `archive_failed: ${describeError(error)}` };
        }
      },
    }),
  );
}
