// Once the faults are fixed, redrive: the dead letters go back to their original subjects and are
// processed once; the malformed payload comes straight back, because no fix upstream touched it.
import { waitFor } from '@mq/shared';
import { listDeadLetters } from './dead-letter';
import type { DemoContext } from './demo-context';
import { redrive } from './redrive';

export async function sceneRedrive(ctx: DemoContext): Promise<void> {
  const { nats, out, shop } = ctx;
  out.step('The relay domain is fixed and user 1003 re-registers: redrive');
  ctx.relay.fix('vip@mail.invalid');
  ctx.apns.fix(1003);
  const redriven = await redrive(nats);
  out.table(redriven.map((r) => ({ 'dlq seq': r.letter.dlqSeq, 'back to': r.letter.original.subject, 'new seq': r.seq, was: r.letter.reason })));
  await waitFor(async () => shop.email.applied.includes('ORD-0001') && shop.push.applied.includes('ORD-0007') && (await listDeadLetters(nats.jsm)).length === 1, {
    what: 'the redriven messages processed, the malformed one back in the DLQ',
  });
  const times = (ids: string[], id: string) => ids.filter((x) => x === id).length;
  out.ok(`ORD-0001 email sent ${times(shop.email.applied, 'ORD-0001')} time(s); ORD-0007 push sent ${times(shop.push.applied, 'ORD-0007')} time(s)`);
  const [left] = await listDeadLetters(nats.jsm);
  out.bad(`the malformed payload came straight back (DLQ seq ${left.dlqSeq}, delivery ${left.deliveries}): it needs a fixed producer or a human, not a redrive`);
}
