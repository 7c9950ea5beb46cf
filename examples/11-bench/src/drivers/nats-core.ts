// Core NATS: a queue-group subscription. Fire and forget: no storage, no acks.
import type { NatsConnection, Subscription as NatsSub } from '@nats-io/transport-node';
import type { Driver } from '../driver';

export function natsCoreDriver(nc: NatsConnection, subject = 'bench.core'): Driver {
  return {
    name: 'nats-core',
    semantics: 'queue group, at-most-once, nothing stored',
    backend: 'nats',
    async setup() {},
    async publish(data) {
      nc.publish(subject, data);
    },
    flush: () => nc.flush(),
    depth: async () => 0,
    async subscribe(group, handler) {
      const sub: NatsSub = nc.subscribe(subject, { queue: group, callback: (err, msg) => { if (!err) void handler({ data: msg.data, ack: async () => {} }); } });
      await nc.flush(); // the subscription is registered on the server before anyone publishes
      return { stop: async () => sub.unsubscribe() };
    },
    async close() {},
  };
}
