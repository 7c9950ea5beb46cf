// At most N operations in flight (pipelined acks, windowed publishes), without awaiting each one and
// without a Promise.race over a Set per call: a counter, and one waiter woken when a slot frees.
export class InflightWindow {
  private inflight = 0;
  private waiter?: () => void;
  private firstError?: unknown;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`window size must be a positive integer, got ${size}`);
  }

  get pending(): number {
    return this.inflight;
  }

  /**
   * Track `op`; resolves at once while the window has room, else when a slot frees. `op` must not
   * reject unhandled: pass its own handlers, or its first rejection is rethrown by drain().
   */
  add(op: Promise<unknown>): Promise<void> | undefined {
    this.inflight += 1;
    op.then(this.settled, this.failed);
    if (this.inflight < this.size) return undefined;
    return new Promise<void>((resolve) => (this.waiter = resolve));
  }

  /** Wait until nothing is in flight; rethrows the first rejection seen, if any. */
  async drain(): Promise<void> {
    while (this.inflight > 0) await new Promise<void>((resolve) => (this.waiter = resolve));
    const err = this.firstError;
    this.firstError = undefined;
    if (err !== undefined) throw err;
  }

  private readonly settled = (): void => {
    this.inflight -= 1;
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  };

  private readonly failed = (err: unknown): void => {
    this.firstError ??= err;
    this.settled();
  };
}
