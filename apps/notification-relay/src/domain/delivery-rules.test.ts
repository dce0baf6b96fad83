import { describe, expect, it } from 'vitest';
import { judgeAttempt } from './attempt-outcome';
import { decideDelivery } from './delivery-decision';
import { judgeEndpoint } from './endpoint-health';
import { parseRetryAfter } from './retry-after';
import { nextAttemptDelay, type RetryPolicy, STANDARD_SCHEDULE_MS } from './retry-schedule';

const policy: RetryPolicy = { schedule: [0, 1000, 5000], jitter: 0, retryAfterMaxMs: 60_000 };
const now = new Date('2026-01-15T10:00:00.000Z');
const answered = (statusCode: number, retryAfterMs?: number) => ({
  kind: 'answered' as const,
  statusCode,
  retryAfterMs,
});

describe('judgeAttempt', () => {
  it('counts only 2xx as delivered and 410 as gone', () => {
    expect(judgeAttempt(answered(200))).toEqual({ kind: 'delivered' });
    expect(judgeAttempt(answered(204))).toEqual({ kind: 'delivered' });
    expect(judgeAttempt(answered(410))).toEqual({ kind: 'gone' });
    expect(judgeAttempt(answered(301))).toMatchObject({ kind: 'failed', reason: 'redirect' });
    expect(judgeAttempt(answered(308))).toMatchObject({ kind: 'failed', reason: 'redirect' });
    expect(judgeAttempt(answered(400))).toMatchObject({ kind: 'failed', reason: 'client_error' });
    expect(judgeAttempt({ kind: 'timeout' })).toMatchObject({ kind: 'failed', reason: 'timeout' });
  });

  it('keeps Retry-After for 429 and 5xx only', () => {
    expect(judgeAttempt(answered(429, 3000))).toEqual({
      kind: 'failed',
      reason: 'rate_limited',
      retryAfterMs: 3000,
    });
    expect(judgeAttempt(answered(503, 3000))).toEqual({
      kind: 'failed',
      reason: 'server_error',
      retryAfterMs: 3000,
    });
    expect(judgeAttempt(answered(400, 3000))).toEqual({ kind: 'failed', reason: 'client_error' });
  });
});

describe('nextAttemptDelay', () => {
  it('follows the schedule and ends with it', () => {
    expect(nextAttemptDelay(1, policy, undefined)).toBe(1000);
    expect(nextAttemptDelay(2, policy, undefined)).toBe(5000);
    expect(nextAttemptDelay(3, policy, undefined)).toBeUndefined();
  });

  it('spreads each wait by the jitter, both ways', () => {
    const jittery = { ...policy, jitter: 0.2 };
    expect(nextAttemptDelay(1, jittery, undefined, () => 0)).toBe(800);
    expect(nextAttemptDelay(1, jittery, undefined, () => 1)).toBe(1200);
    expect(nextAttemptDelay(1, jittery, undefined, () => 0.5)).toBe(1000);
  });

  it('waits at least Retry-After, capped', () => {
    expect(nextAttemptDelay(1, policy, 30_000)).toBe(30_000);
    expect(nextAttemptDelay(1, policy, 10)).toBe(1000);
    expect(nextAttemptDelay(1, policy, 3_600_000)).toBe(60_000);
  });

  it('ships the specification schedule', () => {
    expect(STANDARD_SCHEDULE_MS.slice(0, 5)).toEqual([0, 5_000, 300_000, 1_800_000, 7_200_000]);
  });
});

describe('decideDelivery', () => {
  it('retries on the schedule, then fails', () => {
    const failed = judgeAttempt(answered(500));
    expect(decideDelivery(failed, 1, policy, now)).toEqual({
      status: 'pending',
      nextAttemptAt: new Date(now.getTime() + 1000),
    });
    expect(decideDelivery(failed, 3, policy, now)).toEqual({
      status: 'failed',
      reason: 'attempts_exhausted',
    });
    expect(decideDelivery(judgeAttempt(answered(410)), 1, policy, now)).toEqual({
      status: 'disabled',
      reason: 'endpoint_gone',
    });
    expect(decideDelivery(judgeAttempt(answered(200)), 3, policy, now)).toEqual({
      status: 'delivered',
    });
  });
});

describe('judgeEndpoint', () => {
  const fail = judgeAttempt(answered(500));
  it('starts a failing period, disables after it, clears on success', () => {
    expect(judgeEndpoint({ failingSince: null }, fail, now, 1000)).toEqual({
      kind: 'failing_since',
      at: now,
    });
    const since = new Date(now.getTime() - 999);
    expect(judgeEndpoint({ failingSince: since }, fail, now, 1000)).toEqual({ kind: 'unchanged' });
    expect(
      judgeEndpoint({ failingSince: new Date(now.getTime() - 1000) }, fail, now, 1000),
    ).toEqual({ kind: 'disable', reason: 'failing' });
    expect(judgeEndpoint({ failingSince: since }, { kind: 'delivered' }, now, 1000)).toEqual({
      kind: 'recovered',
    });
    expect(judgeEndpoint({ failingSince: null }, { kind: 'delivered' }, now, 1000)).toEqual({
      kind: 'unchanged',
    });
    expect(judgeEndpoint({ failingSince: null }, { kind: 'gone' }, now, 1000)).toEqual({
      kind: 'disable',
      reason: 'gone',
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 15 Jan 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Thu, 15 Jan 2026 09:00:00 GMT', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
