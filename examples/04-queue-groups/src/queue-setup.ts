// Create what a queue group needs, without disturbing what already exists: the work-queue stream
// (the story's ORDERS settings) and the group's one durable consumer. Workers and the publisher
// all call this, so the workshop works in any start order.
import { ensureDurable, isApiError, ordersStreamConfig, type Nats } from '@mq/shared';
import type { ConsumerInfo, StreamConfig, StreamInfo } from '@nats-io/jetstream';

/**
 * The demo's and tests' throwaway streams keep the story's settings except size: the server
 * reserves max_bytes up front, and a handful of 10 GB streams exhausts a laptop's JetStream store
 * ("insufficient storage resources available").
 */
export const SCENE_STREAM: Partial<StreamConfig> = { max_bytes: 64 * 1024 * 1024 };

/** "order.created" -> "order.*": the subject family a new stream captures. */
export function subjectFamily(subject: string): string {
  const tokens = subject.split('.');
  return tokens.length < 2 ? subject : [...tokens.slice(0, -1), '*'].join('.');
}

/** Create the stream if missing (work-queue retention unless told otherwise); an existing stream is used as it is. */
export async function ensureQueueStream(jsm: Nats['jsm'], stream: string, subject: string, overrides: Partial<StreamConfig> = {}): Promise<StreamInfo> {
  try {
    return await jsm.streams.info(stream);
  } catch (err) {
    if (!isApiError(err, 10059)) throw err; // stream not found
  }
  return jsm.streams.add(ordersStreamConfig({ name: stream, subjects: [subjectFamily(subject)], ...overrides }));
}

/**
 * Create the group's durable consumer if missing. An existing group keeps its settings (one worker
 * must not silently change everybody's AckWait); the caller prints what is really in force.
 */
export async function ensureGroup(jsm: Nats['jsm'], stream: string, durable: string, opts: { subject: string; ackWaitMs: number }): Promise<ConsumerInfo> {
  try {
    return await jsm.consumers.info(stream, durable);
  } catch (err) {
    if (!isApiError(err, 10014)) throw err; // consumer not found
  }
  return ensureDurable(jsm, stream, durable, { filterSubject: opts.subject, ackWaitMs: opts.ackWaitMs });
}

/** A consumer's AckWait in ms (the server keeps nanoseconds). */
export function ackWaitOf(info: ConsumerInfo): number {
  return Math.round((info.config.ack_wait ?? 30e9) / 1e6); // the server default is 30 s
}
