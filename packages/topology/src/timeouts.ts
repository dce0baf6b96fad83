import type { ConsumerName } from '@gpuaas/contracts';
import type { BusSettings, ConsumerSettings, EndpointSettings } from './settings';

export interface SettingsIssue {
  /** `consumers.<name>.<field>` or `replay.<field>`. */
  path: string;
  message: string;
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
