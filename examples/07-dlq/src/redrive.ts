// Redrive: once the fault is fixed, put dead letters back where they came from. Each one is
// republished to its original subject (payload and its own headers), confirmed, and only then
// deleted from the DLQ. The republish carries a message id derived from the DLQ sequence, so a
// redrive that dies between the two steps and is run again is dropped as a duplicate by ORDERS.
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { listDeadLetters, type DeadLetter } from './dead-letter';
import { DLQ_STREAM } from './setup';

export const REDRIVEN_FROM = 'Redriven-From';

/** The message id a redrive publishes with: the same for every attempt to redrive one DLQ entry. */
export function redriveMsgId(dlqSeq: number): string {
  return `redrive:${DLQ_STREAM}:${dlqSeq}`;
}

export interface RedriveOptions {
  /** Only dead letters of this original subject (e.g. order.email). */
  subject?: string;
  limit?: number;
  /** List what would be redriven, change nothing. */
  dryRun?: boolean;
}

export interface Redriven {
  letter: DeadLetter;
  /** Where it landed again (absent on a dry run). */
  stream?: string;
  seq?: number;
  duplicate?: boolean;
}

export async function redrive(nats: { js: JetStreamClient; jsm: JetStreamManager }, opts: RedriveOptions = {}): Promise<Redriven[]> {
  const letters = (await listDeadLetters(nats.jsm, { subject: opts.subject })).slice(0, opts.limit ?? Infinity);
  const done: Redriven[] = [];
  for (const letter of letters) {
    if (opts.dryRun) {
      done.push({ letter });
      continue;
    }
    // #region look-redrive
    const h = natsHeaders();
    for (const [k, v] of Object.entries(letter.originalHeaders)) h.set(k, v);
    h.set(REDRIVEN_FROM, `${DLQ_STREAM}/${letter.dlqSeq}`);
    // The same msgID on every attempt: a redrive re-run after a crash is dropped by the dedup window.
    const msgID = redriveMsgId(letter.dlqSeq);
    const ack = await nats.js.publish(letter.original.subject, letter.data, { headers: h, msgID }).catch(noStream(letter));
    await nats.jsm.streams.deleteMessage(DLQ_STREAM, letter.dlqSeq); // only once the original stream confirmed it
    // #endregion look-redrive
    done.push({ letter, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate });
  }
  return done;
}

/** "jetstream is not enabled" on a publish really means no stream captured the subject (no responders). */
function noStream(letter: DeadLetter) {
  return (err: Error): never => {
    throw new Error(`no stream stored ${letter.original.subject} (${err.message}): is its stream gone?`, { cause: err });
  };
}
