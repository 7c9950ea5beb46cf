// The client's side of an outage: when the connection dropped and when it came back by itself
// (connectNats reconnects forever). Lets a scene wait for "reconnected after the restart" instead
// of guessing, and gives the timelines their disconnect/reconnect rows.
import type { NatsConnection } from '@nats-io/transport-node';
import { waitFor } from '@mq/shared';

export interface ConnectionEvent {
  /** performance.now() */
  at: number;
  type: 'disconnect' | 'reconnect';
  server: string;
}

export class ConnectionWatch {
  readonly events: ConnectionEvent[] = [];

  constructor(readonly nc: NatsConnection) {
    void this.follow();
  }

  private async follow(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect') this.events.push({ at: performance.now(), type: s.type, server: s.server });
    }
  }

  /** The first event of `type` after time `since`, if any. */
  after(type: ConnectionEvent['type'], since: number): ConnectionEvent | undefined {
    return this.events.find((e) => e.type === type && e.at > since);
  }

  /** Wait for the client to reconnect after `since` (e.g. the moment the server went down). */
  reconnectedAfter(since: number, timeoutMs = 10_000): Promise<ConnectionEvent> {
    return waitFor(() => this.after('reconnect', since), { timeoutMs, what: 'the client to reconnect' });
  }
}
