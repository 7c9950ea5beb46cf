// A dead letter is the original payload on `<subject>.dlq`, with headers saying where it came from
// and why it died, so it can be understood and replayed later. Publishing it carries a message id
// derived from the original stream sequence: if the worker dies between "dead-lettered" and
// "term", the redelivery dead-letters it again and the DLQ's duplicate window drops the copy.
import type { JetStreamClient, JetStreamManager, MsgRequest, PubAck, StoredMsg } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { isApiError } from '@mq/shared';
import { DLQ_STREAM, DLQ_SUBJECTS, dlqSubjectFor } from './setup';

export const DLQ_HEADERS = {
  subject: 'Dlq-Original-Subject',
  stream: 'Dlq-Original-Stream',
  seq: 'Dlq-Original-Seq',
  publishedAt: 'Dlq-Original-Time',
  consumer: 'Dlq-Consumer',
  deliveries: 'Dlq-Delivery-Count',
  error: 'Dlq-Last-Error',
  reason: 'Dlq-Reason',
  failedAt: 'Dlq-Failed-At',
} as const;

/** malformed: could never succeed; retries-exhausted: the business layer gave up; max-deliveries: the server did. */
export type DeadLetterReason = 'malformed' | 'retries-exhausted' | 'max-deliveries';

export interface DeadLetterInput {
  subject: string;
  stream: string;
  seq: number;
  consumer: string;
  deliveries: number;
  error: string;
  reason: DeadLetterReason;
  data: Uint8Array;
  headers?: MsgHdrs;
  publishedAt?: Date;
}

export interface DeadLetter {
  /** Sequence in the DLQ stream. */
  dlqSeq: number;
  dlqSubject: string;
  original: { subject: string; stream: string; seq: number; publishedAt: string };
  consumer: string;
  deliveries: number;
  error: string;
  reason: DeadLetterReason;
  failedAt: string;
  data: Uint8Array;
  /** The original message's own headers (ours removed). */
  originalHeaders: Record<string, string>;
}

export async function publishDeadLetter(js: JetStreamClient, d: DeadLetterInput): Promise<PubAck> {
  const h = natsHeaders();
  for (const [k, v] of Object.entries(carriedHeaders(d.headers))) h.set(k, v);
  h.set(DLQ_HEADERS.subject, d.subject);
  h.set(DLQ_HEADERS.stream, d.stream);
  h.set(DLQ_HEADERS.seq, String(d.seq));
  if (d.publishedAt) h.set(DLQ_HEADERS.publishedAt, d.publishedAt.toISOString());
  h.set(DLQ_HEADERS.consumer, d.consumer);
  h.set(DLQ_HEADERS.deliveries, String(d.deliveries));
  h.set(DLQ_HEADERS.error, oneLine(d.error));
  h.set(DLQ_HEADERS.reason, d.reason);
  h.set(DLQ_HEADERS.failedAt, new Date().toISOString());
  return js.publish(dlqSubjectFor(d.subject), d.data, { headers: h, msgID: `dlq:${d.stream}:${d.seq}` });
}

export function readDeadLetter(m: StoredMsg): DeadLetter {
  const get = (k: string) => m.header?.get(k) ?? '';
  const all = carriedHeaders(m.header);
  return {
    dlqSeq: m.seq,
    dlqSubject: m.subject,
    original: {
      subject: get(DLQ_HEADERS.subject),
      stream: get(DLQ_HEADERS.stream),
      seq: Number(get(DLQ_HEADERS.seq)),
      publishedAt: get(DLQ_HEADERS.publishedAt),
    },
    consumer: get(DLQ_HEADERS.consumer),
    deliveries: Number(get(DLQ_HEADERS.deliveries)),
    error: get(DLQ_HEADERS.error),
    reason: get(DLQ_HEADERS.reason) as DeadLetterReason,
    failedAt: get(DLQ_HEADERS.failedAt),
    data: m.data,
    originalHeaders: all,
  };
}

/**
 * Every dead letter, oldest first, optionally only those of one original subject (order.email).
 * Reads by sequence with next_by_subj, so nothing is consumed and gaps (redriven entries) are skipped.
 */
export async function listDeadLetters(jsm: JetStreamManager, opts: { subject?: string } = {}): Promise<DeadLetter[]> {
  const filter = opts.subject ? dlqSubjectFor(opts.subject) : DLQ_SUBJECTS;
  const out: DeadLetter[] = [];
  let seq = 1;
  for (;;) {
    let m: StoredMsg | null;
    try {
      // The server's MSG.GET takes next_by_subj (first match at or after seq); the client's type omits it.
      m = await jsm.streams.getMessage(DLQ_STREAM, { seq, next_by_subj: filter } as MsgRequest);
    } catch (err) {
      if (isApiError(err, 10059)) return out; // no DLQ stream on this server: nothing dead-lettered
      throw err;
    }
    if (!m) return out;
    out.push(readDeadLetter(m));
    seq = m.seq + 1;
  }
}

/** The headers worth keeping from a message: not the server's (Nats-*), not ours (Dlq-*). */
export function carriedHeaders(h?: MsgHdrs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of h?.keys() ?? []) {
    if (/^(nats|dlq)-/i.test(k)) continue;
    out[k] = h!.get(k);
  }
  return out;
}

function oneLine(s: string): string {
  const flat = s.replace(/[\r\n]+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}
