// The start/stop lifecycle of a worker or housekeeping loop: start() runs `run()` in the
// background, stop() asks it to end and waits until it has. Subclasses loop `while (this.running)`.
export abstract class BackgroundLoop {
  protected running = false;
  private loop?: Promise<void>;

  get isRunning(): boolean {
    return this.running;
  }

  start(): this {
    if (!this.running) {
      this.running = true;
      this.loop = this.run();
    }
    return this;
  }

  /** Ask the loop to end after its current round, and wait for it. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  protected abstract run(): Promise<void>;
}
