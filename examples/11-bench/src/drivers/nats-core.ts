// Core NATS: a queue-group subscription. Fire and forget: no storage, no acks. Publishing is
// synchronous (the client buffers and writes in batches), so nobody awaits a publish.
// rawNatsCore is the same publish loop and queue subscription with the bare client, for the ratio.
import type { NatsConnection, Subscription as NatsSub } from '@nats-io/transport-node';
import { Arrivals, publishAll, readSeq, type Driver, type RawRun } from '../driver';

const noAck = () => {};

export function natsCoreDriver(nc: NatsConnection, subject = 'bench.core'): Driver {
  return {
    name: 'nats-core',
    semantics: 'queue group, at-most-once, nothing stored',
    backend: 'nats',
    async setup() {},
    publish(data) {
      nc.publish(subject, data);
    },
    flush: () => nc.flush(),
    depth: async () => 0,
    async subscribe(group, handler) {
      const sub: NatsSub = nc.subscribe(subject, {
        queue: group,
        callback: (err, msg) => {
          if (!err) void handler({ data: msg.data, ack: noAck });
        },
      });
      await nc.flush(); // the subscription is registered on the server before anyone publishes
      return { stop: async () => sub.unsubscribe() };
    },
    async close() {},
  };
}

export function rawNatsCore(nc: NatsConnection, subject = 'bench.raw-core'): RawRun {
  return {
    name: 'nats-core',
    async run({ messages, size, workers, timeoutMs }) {
      const arrivals = new Arrivals(messages);
      const subs = Array.from({ length: workers }, () =>
        nc.subscribe(subject, {
          queue: 'raw',
          callback: (err, msg) => {
            if (!err) arrivals.record(readSeq(msg.data));
          },
        }),
      );
      await nc.flush();
      const t0 = performance.now();
      await publishAll((d) => nc.publish(subject, d), 0, messages, size);
      await nc.flush();
      await arrivals.until(messages, timeoutMs);
      const ms = performance.now() - t0;
      subs.forEach((s) => s.unsubscribe());
      return { ms, received: arrivals.received, duplicates: arrivals.duplicates };
    },
  };
}
