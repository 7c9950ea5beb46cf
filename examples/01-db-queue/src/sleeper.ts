// A worker's idle wait that something can cut short: a NOTIFY from Postgres, or stop().
// A wake() that arrives while the worker is busy is remembered, so the next wait returns at once
// and no notification is lost between "the claim found nothing" and "start waiting". A stop is
// remembered for good: a loop that reaches its wait after stop() does not sleep at all.
export type WakeReason = 'timer' | 'wake' | 'stop';

export class Sleeper {
  private pending = false;
  private stopped = false;
  private current?: { resolve: (r: WakeReason) => void; timer: NodeJS.Timeout };

  /** Wait up to `ms`; resolves early (with the reason) on wake() or stop. */
  sleep(ms: number): Promise<WakeReason> {
    if (this.stopped) return Promise.resolve('stop');
    if (this.pending) {
      this.pending = false;
      return Promise.resolve('wake');
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.current = undefined;
        resolve('timer');
      }, ms);
      this.current = { resolve, timer };
    });
  }

  wake(reason: WakeReason = 'wake'): void {
    if (reason === 'stop') this.stopped = true;
    const c = this.current;
    if (!c) {
      if (reason === 'wake') this.pending = true;
      return;
    }
    this.current = undefined;
    clearTimeout(c.timer);
    c.resolve(reason);
  }
}
