// Scene 8: a flaky SMTP server (FAIL_RATE, seeded), several orders: failed attempts are nak'd and
// retried until they succeed or the worker gives up after delivery 4.
import { makeOrder, STORY, waitFor } from '@mq/shared';
import { placeOrder } from './publisher';
import type { SceneContext } from './scene-context';
import { storedCount, taskSubject } from './setup';

export async function flakySmtp(c: SceneContext, opts: { failRate: number; orders: number; seed: number }): Promise<void> {
  const { out, nats, shop, log, nakDelayMs } = c;
  out.step(`A flaky SMTP server: FAIL_RATE=${opts.failRate}, ${opts.orders} orders (seed ${opts.seed})`);
  shop.email.fault = c.coin.fault(opts.failRate);
  const orders = Array.from({ length: opts.orders }, (_, i) => makeOrder(100 + i));
  const placed = await Promise.all(orders.map((o) => placeOrder({ js: nats.js, shop }, o)));
  const emailSeqs = placed.map((p) => p.published[0].seq);
  const finished = () => emailSeqs.every((s) => log.forSeq(s).some((d) => d.outcome === 'ack' || d.outcome === 'term'));
  await waitFor(finished, { timeoutMs: STORY.maxDeliver * nakDelayMs + 15_000, what: 'every email to be acked or termed' });
  const email = taskSubject('send_email');
  out.table(
    orders.map((o) => {
      const ds = log.forOrder(o.id, email);
      return { order: o.id, deliveries: ds.length, attempts: ds.map((d) => (d.outcome === 'ack' ? '✔' : '✘')).join(' '), outcome: ds.at(-1)?.outcome };
    }),
  );
  const scene = orders.flatMap((o) => log.forOrder(o.id, email));
  const count = (o: string) => scene.filter((d) => d.outcome === o).length;
  (count('term') === 0 ? out.ok : out.bad)(`${count('ack')} acked, ${count('nak')} nak'd and retried, ${count('term')} termed after ${STORY.maxDeliver} deliveries`);
  await waitFor(async () => (await storedCount(nats.jsm)) === 0, { timeoutMs: 5_000, what: 'the stream to be empty' });
  out.ok('the stream is empty again: every task was acked (or deliberately termed)');
  shop.email.fault = { kind: 'none' };
}
