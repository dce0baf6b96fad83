/** What one delivery attempt came to, before any decision about the next one. */
export type AttemptResult =
  | { kind: 'answered'; statusCode: number; retryAfterMs?: number | undefined }
  /** No answer within the attempt's timeout. */
  | { kind: 'timeout' }
  /** DNS, connection, TLS or a broken answer. */
  | { kind: 'network_error'; detail: string }
  /** The endpoint resolves to an address we never send to (private, loopback, metadata). */
  | { kind: 'address_refused'; detail: string };

/** How an attempt counts (Standard Webhooks: only 2xx is success; 410 stops for good). */
export type AttemptVerdict =
  | { kind: 'delivered' }
  /** 410 Gone: the receiver asked us to stop; the endpoint is disabled at once. */
  | { kind: 'gone' }
  | { kind: 'failed'; reason: AttemptFailure; retryAfterMs?: number | undefined };

export type AttemptFailure =
  | 'redirect'
  | 'client_error'
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'network_error'
  | 'address_refused';

export function judgeAttempt(result: AttemptResult): AttemptVerdict {
  switch (result.kind) {
    case 'timeout':
      return { kind: 'failed', reason: 'timeout' };
    case 'network_error':
      return { kind: 'failed', reason: 'network_error' };
    case 'address_refused':
      return { kind: 'failed', reason: 'address_refused' };
    case 'answered': {
      const code = result.statusCode;
      if (code >= 200 && code < 300) return { kind: 'delivered' };
      if (code === 410) return { kind: 'gone' };
      // Only these two ask for a pause; a Retry-After on anything else is not a promise.
      if (code === 429)
        return { kind: 'failed', reason: 'rate_limited', retryAfterMs: result.retryAfterMs };
      if (code >= 500)
        return { kind: 'failed', reason: 'server_error', retryAfterMs: result.retryAfterMs };
      // A redirect is never followed: the signed body is for the configured URL only.
      if (code >= 300 && code < 400) return { kind: 'failed', reason: 'redirect' };
      return { kind: 'failed', reason: 'client_error' };
    }
  }
}
