// What lesson 09 creates on a NATS server, and how it goes away again: the served stream (adopted
// as it is, or created with the story's ORDERS config) and the consumer group's durable.
// (shared ensureStream() would *update* an existing stream to our config; a service must not
// reconfigure a stream it merely serves.) On the shared server every name comes from lesson 09's
// scope: L09_ORDERS on l09.order.*, so no other lesson can replace or delete it under the service.
import type { JetStreamManager, StreamConfig, StreamInfo } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { deleteStreamIfExists, ensureDurable, isApiError, lessonScope, ordersStreamConfig } from '@mq/shared';

/** Lesson 09's names on a shared server. */
export const scope = lessonScope('09');
/** The stream the server, the consumers and the demo use by default: L09_ORDERS. */
export const LESSON_STREAM = scope.stream('ORDERS');
/** Its subjects: l09.order.* (the story's order.* in lesson 09's namespace). */
export const LESSON_SUBJECTS = [scope.subject('order.*')];
export const DEFAULT_GROUP = 'order-processor';

/** The story's ORDERS config under lesson 09's names (or the given ones). */
export function lessonStreamConfig(name = LESSON_STREAM, subjects = LESSON_SUBJECTS): Partial<StreamConfig> & { name: string } {
  return ordersStreamConfig({ name, subjects });
}

export async function adoptOrCreateStream(
  jsm: JetStreamManager,
  name: string,
  createWith: Partial<StreamConfig> = ordersStreamConfig(),
): Promise<StreamInfo> {
  try {
    return await jsm.streams.info(name);
  } catch (err) {
    if (!isApiError(err, 10059)) throw err; // 10059: stream not found
    try {
      return await jsm.streams.add({ ...createWith, name });
    } catch (addErr) {
      if (isApiError(addErr, 10058)) return jsm.streams.info(name); // created meanwhile by another process
      throw addErr;
    }
  }
}

/** Create (or adopt) the group's durable: explicit acks, the ack wait, and the server's delivery cap (max_deliver). */
export async function setupGroup(
  jsm: JetStreamManager,
  stream: string,
  group: string,
  opts: { ackWaitMs: number; maxDeliver: number },
): Promise<void> {
  try {
    await ensureDurable(jsm, stream, group, { ackWaitMs: opts.ackWaitMs, maxDeliver: opts.maxDeliver });
  } catch (err) {
    if (isApiError(err, 10059)) {
      throw new Error(`stream ${stream} does not exist yet: start the service first (pnpm --filter 09-http-api serve), it creates the stream`);
    }
    if (isApiError(err, 10099) || isApiError(err, 10100)) throw new Error(await overlapMessage(jsm, stream, group));
    // Newer servers (2.10+) refuse to change an existing durable through "create" (10148); 2.9 updates it in place.
    if (!isApiError(err, 10148)) throw err;
    await jsm.consumers.update(stream, group, { ack_wait: nanos(opts.ackWaitMs), max_deliver: opts.maxDeliver });
  }
}

/** A work-queue stream lets only one consumer take each subject: name the one in the way and say how to remove it. */
async function overlapMessage(jsm: JetStreamManager, stream: string, group: string): Promise<string> {
  const others: string[] = [];
  for await (const c of jsm.consumers.list(stream)) {
    if (c.name !== group) others.push(`${c.name} (${c.config.filter_subject || 'all subjects'})`);
  }
  return (
    `stream ${stream} is a work-queue stream: each message may have only one consumer, and ${others.join(', ') || 'another consumer'} ` +
    `already takes these subjects, so group "${group}" is refused. Remove it: \`pnpm reset\` removes every lesson's leftovers ` +
    `(stream ${stream} with its consumers), or serve a stream of your own: serve --stream X --subjects 'x.*' and consume --stream X.`
  );
}

/** Remove the group's durable (the demo's clean-up); a missing one is fine. */
export async function teardownGroup(jsm: JetStreamManager, stream: string, group: string): Promise<void> {
  try {
    await jsm.consumers.delete(stream, group);
  } catch (err) {
    if (!isApiError(err, 10014) && !isApiError(err, 10059)) throw err;
  }
}

/** Remove the stream (and with it every consumer on it). Only ever called with lesson 09's own name. */
export async function teardownStream(jsm: JetStreamManager, stream: string): Promise<void> {
  await deleteStreamIfExists(jsm, stream);
}
