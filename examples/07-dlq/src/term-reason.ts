// term("reason") on a current server (2.11+): the server ends the message AND publishes a
// MSG_TERMINATED advisory carrying the reason, so an operator sees why without opening the DLQ.
// nats-server 2.9 does not understand a term with a reason and ignores the whole ack: the message
// comes back after AckWait. That is why the shared worker sends a plain term() and this lesson
// keeps the reason in the dead letter's headers.
import { ensureDurable } from '@mq/shared';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

/** io.nats.jetstream.advisory.v1.terminated */
export interface TermAdvisory {
  type: string;
  stream: string;
  consumer: string;
  stream_seq: number;
  deliveries: number;
  /** Present from 2.11 on. */
  reason?: string;
}

export const TERM_REASON_SINCE = '2.11.0';

export function termAdvisorySubject(stream: string, consumer = '*'): string {
  return `$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.${stream}.${consumer}`;
}

export type TermResult = { kind: 'advisory'; advisory: TermAdvisory } | { kind: 'redelivered'; delivery: number };

/**
 * Publish one message to `subject`, fetch it with a fresh durable, term() it with `reason`, and
 * report what the server did: a MSG_TERMINATED advisory, or (2.9) a redelivery after AckWait.
 */
export async function termWithReason(
  nc: NatsConnection,
  js: JetStreamClient,
  jsm: JetStreamManager,
  o: { stream: string; subject: string; consumer: string; reason: string; ackWaitMs: number },
): Promise<TermResult> {
  await ensureDurable(jsm, o.stream, o.consumer, { filterSubject: o.subject, ackWaitMs: o.ackWaitMs });
  const sub = nc.subscribe(termAdvisorySubject(o.stream, o.consumer), { max: 1 });
  try {
    await js.publish(o.subject, JSON.stringify({ orderId: 'ORD-0011', phone: '+00 000' }));
    const consumer = await js.consumers.get(o.stream, o.consumer);
    const msg = await consumer.next({ expires: 2_000 });
    if (!msg) throw new Error(`no message on ${o.subject}`);
    // #region look-term-reason
    msg.term(o.reason); // 2.11+: ends the message and publishes the reason in an advisory
    // #endregion look-term-reason
    const advisory = (async () => {
      for await (const m of sub) return { kind: 'advisory', advisory: m.json<TermAdvisory>() } as const;
      return undefined;
    })();
    const again = consumer.next({ expires: o.ackWaitMs + 1_500 }).then(
      (m) => {
        if (!m) return undefined;
        m.term(); // a plain term() is what 2.9 understands
        return { kind: 'redelivered', delivery: m.info.deliveryCount } as const;
      },
      () => undefined,
    );
    const first = await Promise.race([advisory, again]);
    if (!first) throw new Error(`term("${o.reason}"): neither an advisory nor a redelivery within AckWait`);
    return first;
  } finally {
    sub.unsubscribe();
    await jsm.consumers.delete(o.stream, o.consumer).catch(() => {});
  }
}
