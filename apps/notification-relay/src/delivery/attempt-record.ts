import { Timestamp } from '@google-cloud/firestore';
import type { PostResult } from '../channels/http-post';
import type { AttemptVerdict } from '../domain/attempt-outcome';
import type { DeliveryAttemptRecord } from '../store/delivery-state';

/** The stored trail of one attempt: when, how long, and what the endpoint answered. */
export function attemptRecord(
  number: number,
  startedAt: Date,
  result: PostResult,
  verdict: AttemptVerdict,
  url: string,
): DeliveryAttemptRecord {
  return {
    number,
    started_at: Timestamp.fromDate(startedAt),
    duration_ms: result.durationMs,
    outcome: verdict.kind === 'failed' ? verdict.reason : verdict.kind,
    status_code: result.kind === 'answered' ? result.statusCode : null,
    retry_after_ms: result.kind === 'answered' ? (result.retryAfterMs ?? null) : null,
    response_excerpt: result.responseExcerpt,
    error: result.error,
    url,
  };
}
