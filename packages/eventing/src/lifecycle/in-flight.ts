/** Counts deliveries in progress; `drained` resolves when the count reaches zero. */
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
