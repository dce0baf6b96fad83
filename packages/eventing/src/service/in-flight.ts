/** Counts work in progress (requests, and work that outlived its answer); `drained` waits for zero. */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.count;
  }

  add(delta: number): void {
    this.count += delta;
    if (this.count === 0) {
      for (const resolve of this.waiters.splice(0)) resolve();
    }
  }

  /** Counts `work` until it settles. */
  track(work: Promise<unknown>): void {
    this.add(1);
    void work.finally(() => this.add(-1)).catch(() => undefined);
  }

  drained(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
