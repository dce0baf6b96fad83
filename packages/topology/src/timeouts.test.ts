import { describe, expect, it } from 'vitest';
import { readEnvironmentFile } from './environment-file';
import { resolveEnvironment } from './resolve-environment';
import {
  CLOUD_RUN_REQUEST_TIMEOUT_SECONDS,
  type ConsumerSettings,
  SUBSCRIPTION_DEFAULTS,
} from './settings';
import {
  ABANDONED_LOCK_MARGIN,
  ABANDONED_TRANSACTION_LOCK_SECONDS,
  checkConsumerTimings,
  checkRetrySpan,
  checkRetrySpans,
  checkTimeouts,
  MINIMUM_RETRY_SPAN_SECONDS,
  retrySpanLowerBoundSeconds,
} from './timeouts';

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

describe('retries outlast an abandoned Firestore transaction lock', () => {
  it('asks for (attempts - 1) x minimum backoff >= 60 s x 1.5', () => {
    expect(ABANDONED_TRANSACTION_LOCK_SECONDS).toBe(60);
    expect(ABANDONED_LOCK_MARGIN).toBe(1.5);
    expect(MINIMUM_RETRY_SPAN_SECONDS).toBe(90);
  });

  it('passes the defaults: (10 - 1) x 10 s = 90 s', () => {
    expect(retrySpanLowerBoundSeconds(SUBSCRIPTION_DEFAULTS)).toBe(90);
    expect(checkRetrySpan('consumers.ops', consumer())).toEqual([]);
    for (const env of ['local', 'dev', 'prod'] as const) {
      const { settings } = resolveEnvironment(readEnvironmentFile(env));
      expect(checkRetrySpans(settings), env).toEqual([]);
    }
  });

  it('passes fewer attempts with a longer backoff: (5 - 1) x 30 s = 120 s', () => {
    const slow = consumer({ maxDeliveryAttempts: 5, minimumBackoffSeconds: 30 });
    expect(checkRetrySpan('consumers.ops', slow)).toEqual([]);
  });

  it('refuses a span below 90 s, naming the consumer and the figures', () => {
    const fast = consumer({ maxDeliveryAttempts: 10, minimumBackoffSeconds: 5 });
    const [issue, ...rest] = checkRetrySpan('consumers.ops', fast);
    expect(rest).toEqual([]);
    expect(issue?.path).toBe('consumers.ops.maxDeliveryAttempts');
    expect(issue?.message).toMatch(
      /^retries span at least \(maxDeliveryAttempts 10 - 1\) x minimumBackoffSeconds 5 s = 45 s, below 90 s \(an abandoned Firestore transaction locks its documents for about 60 s, x 1\.5 margin\)/,
    );
    const settings = structuredClone(resolveEnvironment(readEnvironmentFile('local')).settings);
    settings.consumers.ops = { ...settings.consumers.ops, minimumBackoffSeconds: 5 };
    expect(checkRetrySpans(settings).map((i) => i.path)).toEqual([
      'consumers.ops.maxDeliveryAttempts',
    ]);
  });
});
