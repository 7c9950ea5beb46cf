// (c) Which server: the reason a handler gives term() reaches the server from 2.11 on, as a
// MSG_TERMINATED advisory beside the reason-less MAX_DELIVERIES one. On 2.9 the same call is
// ignored and the message comes back.
import type { DemoContext } from './demo-context';
import { natsServerVersion } from '@mq/shared';
import { ORDERS_STREAM, scope } from './setup';
import { TERM_REASON_SINCE, termAdvisorySubject, termWithReason } from './term-reason';

export async function sceneTermReason({ nats, out }: DemoContext): Promise<void> {
  const version = natsServerVersion(nats.nc);
  out.step(`(c) term("reason") on nats-server ${version}: does the reason reach the server?`);
  const reason = 'retries-exhausted: 550 5.1.2 no MX record';
  const subject = scope.subject('order.sms');
  const r = await termWithReason(nats.nc, nats.js, nats.jsm, { stream: ORDERS_STREAM, subject, consumer: 'sms-worker', reason, ackWaitMs: 500 });
  if (r.kind === 'advisory') {
    out.ok(`${termAdvisorySubject(ORDERS_STREAM, 'sms-worker')}: reason "${r.advisory.reason ?? ''}" (stream seq ${r.advisory.stream_seq})`);
    out.say('Beside (a) and (b): the server now records WHY a handler gave up. The DLQ headers still carry the payload and where it came from.');
  } else {
    out.bad(`the message came back (delivery ${r.delivery}): ${version} ignores a term with a reason altogether`);
    out.say(`Needs nats-server ${TERM_REASON_SINCE}+ (see the README's Try); until then the reason lives only in the DLQ headers.`);
  }
}
