// What the console shows of JetStream: every stream with its bytes and messages, and every
// consumer's pending (not yet delivered), ack pending (delivered, not yet acked), redelivered and
// ack floor, read through the client API the lessons use. Dead-letter streams get their entries
// listed with headers, for the DLQ panel and its redrive button.
import type { JetStreamManager, MsgRequest, StoredMsg } from '@nats-io/jetstream';

export interface ConsumerView {
  name: string;
  pending: number;
  ackPending: number;
  redelivered: number;
  waiting: number;
  ackFloor: number;
  delivered: number;
  filter?: string;
}

export interface StreamView {
  name: string;
  subjects: string[];
  retention: string;
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  consumers: ConsumerView[];
}

export interface DeadLetterView {
  stream: string;
  seq: number;
  subject: string;
  headers: Record<string, string>;
  data: string;
  time: string;
}

/** A stream holds dead letters if its name says DLQ or all its subjects end in .dlq (lesson 07's layout). */
export function isDeadLetterStream(s: Pick<StreamView, 'name' | 'subjects'>): boolean {
  return /DLQ/i.test(s.name) || (s.subjects.length > 0 && s.subjects.every((x) => /\.dlq(\.|$)|\.dlq\.>$/.test(x)));
}

export async function readStreams(jsm: JetStreamManager): Promise<StreamView[]> {
  const out: StreamView[] = [];
  for await (const si of jsm.streams.list()) {
    const consumers: ConsumerView[] = [];
    for await (const ci of jsm.consumers.list(si.config.name)) {
      consumers.push({
        name: ci.name,
        pending: ci.num_pending,
        ackPending: ci.num_ack_pending,
        redelivered: ci.num_redelivered,
        waiting: ci.num_waiting,
        ackFloor: ci.ack_floor.stream_seq,
        delivered: ci.delivered.stream_seq,
        filter: ci.config.filter_subject,
      });
    }
    out.push({
      name: si.config.name,
      subjects: si.config.subjects ?? [],
      retention: String(si.config.retention),
      messages: si.state.messages,
      bytes: si.state.bytes,
      firstSeq: si.state.first_seq,
      lastSeq: si.state.last_seq,
      consumers: consumers.sort((a, b) => a.name.localeCompare(b.name)),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The newest `limit` entries of a dead-letter stream, oldest first; nothing is consumed. */
export async function readDeadLetters(jsm: JetStreamManager, stream: StreamView, limit = 20): Promise<DeadLetterView[]> {
  const out: DeadLetterView[] = [];
  if (stream.messages === 0) return out;
  let seq = Math.max(stream.firstSeq, stream.lastSeq - limit * 4);
  while (seq <= stream.lastSeq) {
    const m = await jsm.streams.getMessage(stream.name, { seq, next_by_subj: '>' } as MsgRequest);
    if (!m) break;
    out.push(deadLetterView(stream.name, m));
    seq = m.seq + 1;
  }
  return out.slice(-limit);
}

function deadLetterView(stream: string, m: StoredMsg): DeadLetterView {
  const headers: Record<string, string> = {};
  for (const k of m.header?.keys() ?? []) headers[k] = m.header!.get(k);
  const text = new TextDecoder().decode(m.data);
  return { stream, seq: m.seq, subject: m.subject, headers, data: text.length > 200 ? `${text.slice(0, 197)}...` : text, time: m.time.toISOString() };
}
