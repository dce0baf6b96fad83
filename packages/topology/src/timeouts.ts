import type { ConsumerName } from '@gpuaas/contracts';
import type { BusSettings, ConsumerSettings, EndpointSettings } from './settings';

export interface SettingsIssue {
  /** `consumers.<name>.<field>` or `replay.<field>`. */
  path: string;
  message: string;
}

/**
 * A consumer killed inside a Firestore transaction leaves its documents locked until Firestore
 * expires the transaction (about 60 s on the emulator; production expires idle ones after ~60 s);
 * every redelivery meanwhile fails (503).
 */
export const ABANDONED_TRANSACTION_LOCK_SECONDS = 60;
/** How much longer than that lock a subscription's retries must last. */
export const ABANDONED_LOCK_MARGIN = 1.5;
/** The shortest retry span a consumer subscription may have: 90 s. */
export const MINIMUM_RETRY_SPAN_SECONDS =
  ABANDONED_TRANSACTION_LOCK_SECONDS * ABANDONED_LOCK_MARGIN;

/** A lower bound of the time from the first delivery to the last: each retry waits at least the minimum backoff. */
export const retrySpanLowerBoundSeconds = (
  settings: Pick<ConsumerSettings, 'maxDeliveryAttempts' | 'minimumBackoffSeconds'>,
): number => (settings.maxDeliveryAttempts - 1) * settings.minimumBackoffSeconds;

/** [] when the retries outlast an abandoned transaction's lock with margin, else one issue. */
export function checkRetrySpan(path: string, settings: ConsumerSettings): SettingsIssue[] {
  const span = retrySpanLowerBoundSeconds(settings);
  if (span >= MINIMUM_RETRY_SPAN_SECONDS) return [];
  const { maxDeliveryAttempts, minimumBackoffSeconds } = settings;
  return [
    {
      path: `${path}.maxDeliveryAttempts`,
      message:
        `retries span at least (maxDeliveryAttempts ${maxDeliveryAttempts} - 1) x minimumBackoffSeconds ${minimumBackoffSeconds} s = ${span} s, ` +
        `below ${MINIMUM_RETRY_SPAN_SECONDS} s (an abandoned Firestore transaction locks its documents for about ${ABANDONED_TRANSACTION_LOCK_SECONDS} s, x ${ABANDONED_LOCK_MARGIN} margin): ` +
        'a consumer killed mid-transaction would be dead-lettered while its lock holds; raise maxDeliveryAttempts or minimumBackoffSeconds',
    },
  ];
}

/** Checks every consumer's retry span against an abandoned transaction's lock. */
export function checkRetrySpans(settings: BusSettings): SettingsIssue[] {
  return (Object.entries(settings.consumers) as [ConsumerName, ConsumerSettings][]).flatMap(
    ([name, consumer]) => checkRetrySpan(`consumers.${name}`, consumer),
  );
}

/** Pub/Sub's own limits plus lease < ack deadline < request timeout; [] when all hold. */
export function checkConsumerTimings(path: string, settings: ConsumerSettings): SettingsIssue[] {
  const issues = checkEndpointTimings(path, settings);
  const { leaseSeconds, ackDeadlineSeconds, maxDeliveryAttempts } = settings;
  if (!(leaseSeconds > 0 && leaseSeconds < ackDeadlineSeconds)) {
    // A lease outliving the ack deadline lets a redelivery find the lease held and retry forever.
    issues.push({
      path: `${path}.leaseSeconds`,
      message: `lease ${leaseSeconds} s must be above 0 and below the ack deadline ${ackDeadlineSeconds} s`,
    });
  }
  if (
    !(
      Number.isInteger(maxDeliveryAttempts) &&
      maxDeliveryAttempts >= 5 &&
      maxDeliveryAttempts <= 100
    )
  ) {
    issues.push({
      path: `${path}.maxDeliveryAttempts`,
      message: `maxDeliveryAttempts ${maxDeliveryAttempts} must be an integer from 5 to 100 (Pub/Sub limit)`,
    });
  }
  return issues;
}

export function checkEndpointTimings(path: string, settings: EndpointSettings): SettingsIssue[] {
  const issues: SettingsIssue[] = [];
  const { ackDeadlineSeconds, requestTimeoutSeconds } = settings;
  const { minimumBackoffSeconds: min, maximumBackoffSeconds: max } = settings;
  if (
    !(Number.isInteger(ackDeadlineSeconds) && ackDeadlineSeconds >= 10 && ackDeadlineSeconds <= 600)
  ) {
    issues.push({
      path: `${path}.ackDeadlineSeconds`,
      message: `ack deadline ${ackDeadlineSeconds} s must be an integer from 10 to 600 (Pub/Sub limit)`,
    });
  }
  if (!(requestTimeoutSeconds > ackDeadlineSeconds && requestTimeoutSeconds <= 3600)) {
    // Cloud Run must not cut a request Pub/Sub is still waiting for, or the retry races the handler.
    issues.push({
      path: `${path}.requestTimeoutSeconds`,
      message: `request timeout ${requestTimeoutSeconds} s must be above the ack deadline ${ackDeadlineSeconds} s and at most 3600 s`,
    });
  }
  if (!(min >= 0 && max <= 600 && min <= max)) {
    issues.push({
      path: `${path}.minimumBackoffSeconds`,
      message: `retry backoff ${min}..${max} s must satisfy 0 <= minimum <= maximum <= 600 (Pub/Sub limit)`,
    });
  }
  return issues;
}

/** Checks every consumer and the replay endpoint; DESIGN.md "Consumer semantics" 5. */
export function checkTimeouts(settings: BusSettings): SettingsIssue[] {
  const consumerIssues = (
    Object.entries(settings.consumers) as [ConsumerName, ConsumerSettings][]
  ).flatMap(([name, consumer]) => checkConsumerTimings(`consumers.${name}`, consumer));
  return [...consumerIssues, ...checkEndpointTimings('replay', settings.replay)];
}
