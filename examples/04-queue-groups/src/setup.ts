// What a queue group needs on the server, created without disturbing what already exists: the
// stream (the story's ORDERS settings, in lesson 04's scope: L04_ORDERS on l04.order.*) and the
// group's one durable consumer. Workers and the publisher all call this, so the workshop works in
// any start order, and a worker whose stream or consumer was deleted under it calls it again.
import { ensureDurable, isApiError, lessonScope, ordersStreamConfig, type Nats } from '@mq/shared';
import { RetentionPolicy, type ConsumerInfo, type StreamConfig, type StreamInfo } from '@nats-io/jetstream';

export const SCOPE = lessonScope('04');
/** The workshop's default stream and subject: lesson 04's copy of ORDERS. */
export const DEFAULT_STREAM = SCOPE.stream('ORDERS');
export const DEFAULT_SUBJECT = SCOPE.subject('order.created');

/**
 * The demo's and tests' throwaway streams keep the story's settings except size: the server
 * reserves max_bytes up front, and a handful of 10 GB streams exhausts a laptop's JetStream store
 * ("insufficient storage resources available").
 */
export const SCENE_STREAM: Partial<StreamConfig> = { max_bytes: 64 * 1024 * 1024 };

export type Retention = 'workqueue' | 'interest' | 'limits';
export const RETENTIONS: Retention[] = ['workqueue', 'interest', 'limits'];

/** "l04.order.created" -> "l04.order.*": the subject family a new stream captures. */
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
  try {
    return await jsm.streams.add(ordersStreamConfig({ name: stream, subjects: [subjectFamily(subject)], ...overrides }));
  } catch (err) {
    if (!isApiError(err, 10065)) throw err; // subjects overlap with an existing stream
    throw new Error(
      `cannot create ${stream} on ${subjectFamily(subject)}: another stream already captures those subjects ` +
        `(each subject belongs to one stream); pick a subject of its own with --subject, e.g. --subject ${stream.toLowerCase().replace('_', '.')}.created`,
    );
  }
}

/** The stream config for a retention chosen on the command line. */
export function withRetention(retention: Retention): Partial<StreamConfig> {
  const map = { workqueue: RetentionPolicy.Workqueue, interest: RetentionPolicy.Interest, limits: RetentionPolicy.Limits };
  return { retention: map[retention] };
}

/** Why a second group cannot join a work-queue stream, in one sentence. */
export class GroupRefused extends Error {
  override name = 'GroupRefused';
}

/**
 * Use the group's durable consumer if it exists, else create it. An existing group keeps its
 * settings (one worker must not silently change everybody's AckWait); the caller prints what is
 * really in force. A work-queue stream refuses a second group on the same subject (10100): that
 * becomes a GroupRefused sentence saying what to do instead.
 */
// #region look-join-group
export async function useOrCreateGroup(jsm: Nats['jsm'], stream: string, durable: string, opts: { subject: string; ackWaitMs: number }): Promise<ConsumerInfo> {
  try {
    return await jsm.consumers.info(stream, durable);
  } catch (err) {
    if (!isApiError(err, 10014)) throw err; // consumer not found
  }
  try {
    return await ensureDurable(jsm, stream, durable, { filterSubject: opts.subject, ackWaitMs: opts.ackWaitMs });
  } catch (err) {
    if (!isApiError(err, 10100) && !isApiError(err, 10099)) throw err;
    throw new GroupRefused(
      `group "${durable}" cannot read ${opts.subject} on ${stream}: a work-queue stream gives each message to one consumer, so it allows only one ` +
        `group per subject; for several groups that each get every order, run all the workers and the publisher with ` +
        `--stream ${SCOPE.stream('FANOUT')} --subject ${SCOPE.subject('fanout.created')} --retention interest (or limits)`,
    );
  }
}
// #endregion look-join-group

/** A consumer's AckWait in ms (the server keeps nanoseconds). */
export function ackWaitOf(info: ConsumerInfo): number {
  return Math.round((info.config.ack_wait ?? 30e9) / 1e6); // the server default is 30 s
}
