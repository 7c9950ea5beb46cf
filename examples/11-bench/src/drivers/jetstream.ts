// JetStream: a work-queue stream and one shared durable pull consumer with explicit acks.
// Two publish modes: await every PubAck ("sync"), or keep a window of PubAcks in flight ("async",
// a counter and one waiter: no await per publish, no Promise.race over the window).
// rawJetStream is the same publish and consume() + ack() with the bare client, for the ratio (its
// window is the client's idiom: a window's worth of publishes, then Promise.all of their PubAcks).
import { AckPolicy, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { deleteStreamIfExists, InflightWindow } from '@mq/shared';
import { Arrivals, readSeq, stamp, type Driver, type RawRun } from '../driver';

export type JsMode = 'sync' | 'async';

async function createStream(jsm: JetStreamManager, stream: string, subject: string): Promise<void> {
  await deleteStreamIfExists(jsm, stream);
  await jsm.streams.add({ name: stream, subjects: [subject], storage: StorageType.File, retention: RetentionPolicy.Workqueue });
}

async function addConsumer(jsm: JetStreamManager, stream: string, group: string): Promise<void> {
  const config = { durable_name: group, ack_policy: AckPolicy.Explicit, ack_wait: nanos(30_000), max_ack_pending: 10_000 };
  await jsm.consumers.add(stream, config);
}

/** publish() for one mode: awaits each PubAck, or returns only when the window is full. */
function publisher(js: JetStreamClient, subject: string, mode: JsMode, window: InflightWindow) {
  // sync: the PubAck promise itself (its value is ignored), not a .then() of it: one hop fewer per message.
  if (mode === 'sync') return (d: Uint8Array) => js.publish(subject, d) as Promise<unknown> as Promise<void>;
  return (d: Uint8Array) => window.add(js.publish(subject, d));
}

export function jetstreamDriver(js: JetStreamClient, jsm: JetStreamManager, mode: JsMode, windowSize = 256): Driver {
  const stream = `BENCH_${mode.toUpperCase()}`;
  const subject = `bench.js.${mode}`;
  const window = new InflightWindow(windowSize);
  return {
    name: `jetstream-${mode}`,
    semantics: mode === 'sync' ? 'durable, at-least-once; publisher awaits each PubAck' : `durable, at-least-once; up to ${windowSize} PubAcks in flight`,
    backend: 'nats',
    setup: () => createStream(jsm, stream, subject),
    publish: publisher(js, subject, mode, window),
    flush: () => window.drain(),
    depth: async () => (await jsm.streams.info(stream)).state.messages,
    async subscribe(group, handler) {
      await addConsumer(jsm, stream, group);
      const consumer = await js.consumers.get(stream, group);
      const messages = await consumer.consume({ max_messages: 256 });
      const done = (async () => {
        for await (const m of messages) {
          const r = handler({ data: m.data, ack: () => m.ack() });
          if (r) await r;
        }
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

export function rawJetStream(js: JetStreamClient, jsm: JetStreamManager, mode: JsMode, windowSize = 256): RawRun {
  const stream = `BENCH_RAW_${mode.toUpperCase()}`;
  const subject = `bench.raw-js.${mode}`;
  return {
    name: `jetstream-${mode}`,
    async run({ messages, size, workers, timeoutMs }) {
      await createStream(jsm, stream, subject);
      await addConsumer(jsm, stream, 'raw');
      const arrivals = new Arrivals(messages);
      const iters = await Promise.all(Array.from({ length: workers }, async () => (await js.consumers.get(stream, 'raw')).consume({ max_messages: 256 })));
      const loops = iters.map(async (it) => {
        for await (const m of it) {
          arrivals.record(readSeq(m.data));
          m.ack();
        }
      });
      const t0 = performance.now();
      if (mode === 'sync') {
        for (let i = 0; i < messages; i++) await js.publish(subject, stamp(size, i));
      } else {
        // The client's own idiom for a window: send a window's worth, then await all of its PubAcks.
        for (let i = 0; i < messages; i += windowSize) {
          const acks = [];
          for (let j = i; j < Math.min(messages, i + windowSize); j++) acks.push(js.publish(subject, stamp(size, j)));
          await Promise.all(acks);
        }
      }
      await arrivals.until(messages, timeoutMs);
      const ms = performance.now() - t0;
      await Promise.all(iters.map((it) => it.close()));
      await Promise.all(loops);
      await deleteStreamIfExists(jsm, stream);
      return { ms, received: arrivals.received, duplicates: arrivals.duplicates };
    },
  };
}
