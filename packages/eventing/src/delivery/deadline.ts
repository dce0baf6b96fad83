import { TransientError } from '../errors';

/**
 * The time a delivery may take before it must answer (below the ack deadline: an answer after it
 * does not count, and the message comes back while the first attempt still runs).
 */
export class Deadline {
  constructor(private readonly at: number) {}

  static in(ms: number): Deadline {
    return new Deadline(Date.now() + ms);
  }

  remainingMs(): number {
    return Math.max(0, this.at - Date.now());
  }

  /**
   * Settles with `work`, or rejects with a TransientError('deadline_exceeded') when time runs
   * out first. The work itself goes on (a Firestore transaction cannot be cancelled); `onLate`
   * receives it so the caller can keep track of it.
   */
  async race<T>(
    work: Promise<T>,
    what: string,
    onLate?: (late: Promise<unknown>) => void,
  ): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new TransientError('deadline_exceeded', `${what} did not finish in time`)),
        this.remainingMs(),
      );
    });
    try {
      return await Promise.race([work, timeout]);
    } catch (error) {
      if (error instanceof TransientError && error.reason === 'deadline_exceeded') {
        onLate?.(work.catch(() => undefined));
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Whether `work` is still running when time runs out: `race` for work that must not be left
   * behind unseen (an effect that ignored its signal), without turning its late end into an
   * error. A rejection is left on `work` for the caller to await.
   */
  async outlivedBy(work: Promise<unknown>): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeUp = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.remainingMs());
    });
    try {
      return await Promise.race([
        work.then(
          () => false,
          () => false,
        ),
        timeUp,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
