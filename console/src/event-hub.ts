// The console's side of console-events.ts: it announces itself (a presence heartbeat, and an
// answer to a reporter's first ping), collects the lessons' events from mq.console.events.>, and
// hands them on in batches, so a lesson acking thousands of messages a second costs the page
// ten updates a second, not thousands.
import { CONSOLE_EVENTS_WILDCARD, CONSOLE_PING_SUBJECT, CONSOLE_PRESENCE_SUBJECT, PRESENCE_INTERVAL_MS, type ConsoleEvent } from '@mq/shared';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';

export class EventHub {
  /** The latest events, for a page that opens now. */
  readonly recent: ConsoleEvent[] = [];
  private pending: ConsoleEvent[] = [];
  private readonly subs: Subscription[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly listeners = new Set<(batch: ConsoleEvent[]) => void>();
  received = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly opts: { flushMs?: number; keep?: number } = {},
  ) {}

  start(): this {
    const decoder = new TextDecoder();
    this.subs.push(
      this.nc.subscribe(CONSOLE_EVENTS_WILDCARD, {
        callback: (err, msg) => {
          if (err) return;
          try {
            this.pending.push(JSON.parse(decoder.decode(msg.data)) as ConsoleEvent);
            this.received += 1;
          } catch {
            // Not an event: ignore rather than break the page.
          }
        },
      }),
      this.nc.subscribe(CONSOLE_PING_SUBJECT, { callback: (_err, msg) => void msg.respond('here') }),
    );
    const beat = () => {
      if (!this.nc.isClosed()) this.nc.publish(CONSOLE_PRESENCE_SUBJECT, JSON.stringify({ at: Date.now(), pid: process.pid }));
    };
    beat();
    this.timers.push(setInterval(beat, PRESENCE_INTERVAL_MS), setInterval(() => this.flush(), this.opts.flushMs ?? 100));
    return this;
  }

  onBatch(fn: (batch: ConsoleEvent[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.recent.push(...batch);
    const keep = this.opts.keep ?? 2_000;
    if (this.recent.length > keep) this.recent.splice(0, this.recent.length - keep);
    for (const l of this.listeners) l(batch);
  }

  stop(): void {
    this.timers.forEach((t) => clearInterval(t));
    this.subs.forEach((s) => s.unsubscribe());
  }
}
