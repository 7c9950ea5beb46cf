// At most N operations in flight (pipelined acks, windowed publishes), without awaiting each one and
// without a Promise.race over a Set per call: a counter, and one waiter. A full window waits until it
// is half empty, then the caller sends the next half in one burst: one socket write for many
// messages, instead of one write per message that a slot-by-slot refill would cause.
export class InflightWindow {
  private inflight = 0;
  private waiter?: () => void;
  private level = 0;
  private firstError?: unknown;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`window size must be a positive integer, got ${size}`);
  }

  get pending(): number {
    return this.inflight;
  }

  /**
   * Track `op`. Returns nothing while the window has room (so the caller does not await), else a
   * promise that resolves once half the window has settled. Rejections are kept: drain() rethrows
   * the first one.
   */
  add(op: Promise<unknown>): Promise<void> | undefined {
    this.inflight += 1;
    op.then(this.settled, this.failed);
    if (this.inflight < this.size) return undefined;
    return this.until(Math.floor(this.size / 2));
  }

  /** Wait until nothing is in flight; rethrows the first rejection seen, if any. */
  async drain(): Promise<void> {
    await this.until(0);
    const err = this.firstError;
    this.firstError = undefined;
    if (err !== undefined) throw err;
  }

  /** Resolves once at most `level` operations are in flight (one waiter at a time). */
  private until(level: number): Promise<void> {
    if (this.inflight <= level) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.level = level;
      this.waiter = resolve;
    });
  }

  private readonly settled = (): void => {
    this.inflight -= 1;
    if (this.waiter && this.inflight <= this.level) {
      const w = this.waiter;
      this.waiter = undefined;
      w();
    }
  };

  private readonly failed = (err: unknown): void => {
    this.firstError ??= err;
    this.settled();
  };
}
