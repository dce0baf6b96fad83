import type { Firestore } from '@google-cloud/firestore';
import {
  addSeconds,
  decideTransition,
  readAllocation,
  storedInstant,
  writeAllocation,
} from '@gpuaas/allocations';
import type { ReleaseReason } from '@gpuaas/contracts';
import { TransientError } from '@gpuaas/eventing';
import { nextAttemptAt } from '../domain/release-schedule';
import type { WorkerContext } from '../worker-context';
import { type TerminateResult, terminateFor } from './terminate';

/** What one release attempt did; `none` when it was not this caller's to make. */
export type ReleaseEffect = { kind: 'none' } | (TerminateResult & { attempt: number });

export interface ReleaseAttemptOptions {
  reason: ReleaseReason;
  /** The provider idempotency key of an attempt (1-based). */
  keyOf: (attempt: number) => string;
  signal: AbortSignal;
}

/**
 * One release attempt: `releasing` and the attempt claimed first, in their own transaction (no
 * event), so whoever else looks — the provisioning delivery, a retry tick — sees the release and
 * leaves the attempt alone until its retry time; then the provider is asked to terminate. A
 * `requested` allocation is left to the caller (it has nothing to terminate: it is cancelled).
 */
export async function attemptRelease(
  firestore: Firestore,
  allocationId: string,
  worker: WorkerContext,
  options: ReleaseAttemptOptions,
): Promise<ReleaseEffect> {
  const schedule = worker.config.release;
  const at = storedInstant(worker.now());
  const claimed = await firestore.runTransaction(async (tx) => {
    const current = await readAllocation(tx, firestore, allocationId);
    if (!current || current.status === 'requested') return undefined;
    const attempt = (current.release?.attempts ?? 0) + 1;
    const outcome = decideTransition(current, [
      {
        kind: 'begin_release',
        at,
        reason: options.reason,
        next_attempt_at: at,
        deadline_at: addSeconds(at, schedule.deadlineSeconds),
      },
      { kind: 'claim_release_attempt', at, next_attempt_at: nextAttemptAt(schedule, at, attempt) },
    ]);
    if (!outcome.applied) return undefined;
    writeAllocation(tx, firestore, outcome.after);
    return outcome.after;
  });
  if (!claimed?.release) return { kind: 'none' };
  const attempt = claimed.release.attempts;
  try {
    const result = await terminateFor(claimed, options.keyOf(attempt), worker, options.signal);
    return { ...result, attempt };
  } catch (error) {
    if (!(error instanceof TransientError)) throw error;
    // The attempt is claimed: its outcome is kept as an error so the retry follows the schedule.
    return { kind: 'error', code: 'provider_unavailable', message: error.message, at, attempt };
  }
}
