// JetStream: a work-queue stream and one shared durable pull consumer with explicit acks.
// Two publish modes: await every PubAck ("sync"), or keep a window of PubAcks in flight ("async").
import { AckPolicy, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager, type PubAck } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { deleteStreamIfExists } from '@mq/shared';
import type { Driver } from '../driver';

export function jetstreamDriver(js: JetStreamClient, jsm: JetStreamManager, mode: 'sync' | 'async', window = 256): Driver {
  const stream = `BENCH_${mode.toUpperCase()}`;
  const subject = `bench.js.${mode}`;
  const inflight = new Set<Promise<PubAck>>();
  return {
    name: mode === 'sync' ? 'jetstream-sync' : `jetstream-async`,
    semantics: mode === 'sync' ? 'durable, at-least-once; publisher awaits each PubAck' : `durable, at-least-once; up to ${window} PubAcks in flight`,
    backend: 'nats',
    async setup() {
      await deleteStreamIfExists(jsm, stream);
      await jsm.streams.add({ name: stream, subjects: [subject], storage: StorageType.File, retention: RetentionPolicy.Workqueue });
    },
    async publish(data) {
      if (mode === 'sync') {
        await js.publish(subject, data);
        return;
      }
      const p = js.publish(subject, data);
      inflight.add(p);
      void p.finally(() => inflight.delete(p)).catch(() => {});
      if (inflight.size >= window) await Promise.race(inflight);
    },
    async flush() {
      await Promise.all(inflight);
    },
    depth: async () => (await jsm.streams.info(stream)).state.messages,
    async subscribe(group, handler) {
      await jsm.consumers.add(stream, { durable_name: group, ack_policy: AckPolicy.Explicit, ack_wait: nanos(30_000), max_ack_pending: 10_000 });
      const consumer = await js.consumers.get(stream, group);
      const messages = await consumer.consume({ max_messages: 256 });
      const done = (async () => {
        for await (const m of messages) await handler({ data: m.data, ack: async () => m.ack() });
      })();
      return {
        stop: async () => {
          await messages.close();
          await done;
        },
      };
    },
    async close() {
      await deleteStreamIfExists(jsm, stream);
    },
  };
}
