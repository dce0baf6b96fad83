import type { AttemptVerdict } from './attempt-outcome';

/** Why a customer endpoint stopped receiving. */
export type DisabledReason = 'gone' | 'failing' | 'user';

export interface EndpointHealth {
  /** Since when every attempt failed; null after any success. */
  failingSince: Date | null;
}

export type HealthChange =
  | { kind: 'unchanged' }
  | { kind: 'failing_since'; at: Date }
  | { kind: 'recovered' }
  | { kind: 'disable'; reason: Exclude<DisabledReason, 'user'> };

/**
 * How an attempt's verdict moves its endpoint: a 410 disables it at once; failing everything for
 * `disableAfterMs` disables it; one success clears the failing period.
 */
export function judgeEndpoint(
  health: EndpointHealth,
  verdict: AttemptVerdict,
  now: Date,
  disableAfterMs: number,
): HealthChange {
  if (verdict.kind === 'gone') return { kind: 'disable', reason: 'gone' };
  if (verdict.kind === 'delivered') {
    return health.failingSince ? { kind: 'recovered' } : { kind: 'unchanged' };
  }
  if (!health.failingSince) {
    return disableAfterMs <= 0
      ? { kind: 'disable', reason: 'failing' }
      : { kind: 'failing_since', at: now };
  }
  return now.getTime() - health.failingSince.getTime() >= disableAfterMs
    ? { kind: 'disable', reason: 'failing' }
    : { kind: 'unchanged' };
}
