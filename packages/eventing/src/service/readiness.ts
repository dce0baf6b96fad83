import type { Firestore } from '@google-cloud/firestore';
import type { Logger } from 'pino';
import { describeError } from '../describe-error';

export interface ReadinessOptions {
  firestore: Firestore;
  logger: Logger;
  /** A result is reused this long, so a probe storm costs one query per interval. */
  cacheMs?: number;
  timeoutMs?: number;
}

/** Whether Firestore answers; concurrent probes share one check, and the answer says no more. */
export function createReadiness(options: ReadinessOptions): () => Promise<boolean> {
  const cacheMs = options.cacheMs ?? 5000;
  const timeoutMs = options.timeoutMs ?? 2000;
  let last: { ready: boolean; at: number } | undefined;
  let running: Promise<boolean> | undefined;

  const check = async (): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const query = options.firestore.collection('_readiness').limit(1).get();
    // A query that outlives its timeout may still fail later (the client closing): not unhandled.
    query.catch(() => undefined);
    try {
      await Promise.race([
        query,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('firestore timed out')), timeoutMs);
        }),
      ]);
      return true;
    } catch (error) {
      options.logger.warn({ reason: describeError(error) }, 'not ready: firestore unavailable');
      return false;
    } finally {
      clearTimeout(timer);
    }
  };

  return async function ready() {
    if (last && Date.now() - last.at < cacheMs) return last.ready;
    running ??= check().then((result) => {
      last = { ready: result, at: Date.now() };
      running = undefined;
      return result;
    });
    return running;
  };
}
