import { describe, expect, it } from 'vitest';
import { readEnvironmentFile } from './environment-file';
import { resolveEnvironment } from './resolve-environment';
import {
  CLOUD_RUN_REQUEST_TIMEOUT_SECONDS,
  type ConsumerSettings,
  SUBSCRIPTION_DEFAULTS,
} from './settings';
import { checkConsumerTimings, checkTimeouts } from './timeouts';

const consumer = (overrides: Partial<ConsumerSettings> = {}): ConsumerSettings => ({
  ...SUBSCRIPTION_DEFAULTS,
  service: 'billing-worker',
  basePath: '',
  baseUrl: 'http://127.0.0.1:8082',
  pushAuth: undefined,
  ...overrides,
});

describe('timeouts nest: lease < ack deadline < Cloud Run request timeout', () => {
  it('holds for the defaults', () => {
    const { leaseSeconds, ackDeadlineSeconds, requestTimeoutSeconds } = SUBSCRIPTION_DEFAULTS;
    expect([leaseSeconds, ackDeadlineSeconds, requestTimeoutSeconds]).toEqual([30, 60, 300]);
    expect(leaseSeconds).toBeLessThan(ackDeadlineSeconds);
    expect(ackDeadlineSeconds).toBeLessThan(CLOUD_RUN_REQUEST_TIMEOUT_SECONDS);
    expect(checkConsumerTimings('consumers.billing-worker', consumer())).toEqual([]);
  });

  it('holds for every committed environment', () => {
    for (const env of ['local', 'dev', 'prod'] as const) {
      expect(checkTimeouts(resolveEnvironment(readEnvironmentFile(env)).settings), env).toEqual([]);
    }
  });

  it('rejects a lease that reaches the ack deadline', () => {
    expect(checkConsumerTimings('consumers.ops', consumer({ leaseSeconds: 60 }))).toEqual([
      {
        path: 'consumers.ops.leaseSeconds',
        message: 'lease 60 s must be above 0 and below the ack deadline 60 s',
      },
    ]);
  });

  it('rejects an ack deadline the request timeout does not exceed', () => {
    const issues = checkConsumerTimings('consumers.ops', consumer({ ackDeadlineSeconds: 300 }));
    expect(issues.map((issue) => issue.path)).toEqual(['consumers.ops.requestTimeoutSeconds']);
  });

  it('applies the Pub/Sub limits', () => {
    const issues = checkConsumerTimings(
      'c',
      consumer({
        ackDeadlineSeconds: 5,
        leaseSeconds: 1,
        maxDeliveryAttempts: 4,
        maximumBackoffSeconds: 601,
      }),
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'c.ackDeadlineSeconds',
      'c.maxDeliveryAttempts',
      'c.minimumBackoffSeconds',
    ]);
  });
});
