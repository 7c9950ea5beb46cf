// The console's only two writes, both refused unless it was started with --allow-actions:
// redrive one dead letter (republish it to the subject it died on, then delete it from the DLQ,
// lesson 07's order and message id, so a repeated click cannot duplicate it), and reset (remove
// every stream and Redis key a lesson's scope made, like `pnpm reset` without the databases).
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { isApiError, SCOPED_KEY, SCOPED_STREAM } from '@mq/shared';
import type { Redis } from 'ioredis';

/** Lesson 07's headers: where a dead letter came from. */
export const ORIGINAL_SUBJECT = 'Dlq-Original-Subject';
export const REDRIVEN_FROM = 'Redriven-From';

/** An action refused for a reason the caller can fix: the HTTP layer turns `status` into the reply. */
export class ActionError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RedriveResult {
  from: { stream: string; seq: number };
  subject: string;
  stream: string;
  seq: number;
  duplicate: boolean;
}

export async function redriveOne(
  nats: { js: JetStreamClient; jsm: JetStreamManager },
  stream: string,
  seq: number,
): Promise<RedriveResult> {
  let m;
  try {
    m = await nats.jsm.streams.getMessage(stream, { seq });
  } catch (err) {
    if (isApiError(err, 10059)) throw new ActionError(404, `no stream ${stream}`);
    throw err;
  }
  if (!m) throw new ActionError(404, `${stream} has no message ${seq} (already redriven or removed?)`);
  const subject = m.header?.get(ORIGINAL_SUBJECT);
  if (!subject) throw new ActionError(409, `${stream} #${seq} has no ${ORIGINAL_SUBJECT} header: the console cannot tell where to redrive it`);
  const h = natsHeaders();
  for (const k of m.header?.keys() ?? []) if (!/^(nats|dlq)-/i.test(k)) h.set(k, m.header!.get(k));
  h.set(REDRIVEN_FROM, `${stream}/${seq}`);
  const ack = await nats.js.publish(subject, m.data, { headers: h, msgID: `redrive:${stream}:${seq}` }).catch(async (err: unknown) => {
    // nats.js says "jetstream is not enabled" when nothing answers: usually the original stream is gone (07 after its demo).
    const owner = await nats.jsm.streams.find(subject).catch(() => undefined);
    if (!owner) throw new ActionError(409, `no stream stores ${subject} (is its stream gone?): ${stream} #${seq} stays in the DLQ`);
    throw err;
  });
  await nats.jsm.streams.deleteMessage(stream, seq);
  return { from: { stream, seq }, subject, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
}

export interface ResetResult {
  streams: string[];
  keys: string[];
}

export async function resetScopes(jsm: JetStreamManager, redis?: Redis): Promise<ResetResult> {
  const streams: string[] = [];
  for await (const name of jsm.streams.names()) if (SCOPED_STREAM.test(name)) streams.push(name);
  for (const s of streams) await jsm.streams.delete(s);
  const keys: string[] = [];
  if (redis) {
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', '[lx][0-9][0-9]:*', 'COUNT', 500);
      keys.push(...batch.filter((k) => SCOPED_KEY.test(k)));
      cursor = next;
    } while (cursor !== '0');
    if (keys.length) await redis.del(...keys);
  }
  return { streams, keys };
}
