// Two shops publish through an outage; the PubAck of ORD-0100 is lost as the broker stops. The
// one that retries with Nats-Msg-Id stores every order once; the other stores ORD-0100 twice.
import { connectNats } from '@mq/shared';
import { PrivateNatsServer } from '@mq/shared/services';
import type { DrillContext } from './drill-context';
import { publishersThroughOutage, WITH_MSG_ID, WITHOUT_MSG_ID } from './publisher-outage';

export async function scenePublisherOutage(ctx: DrillContext): Promise<void> {
  const { out, outageMs } = ctx;
  out.step('Two shops publish through an outage; the PubAck of ORD-0100 is lost as the broker stops');
  const server = await PrivateNatsServer.start();
  ctx.servers.push(server);
  const shop = await connectNats(server.url, { name: 'shop' });
  ctx.conns.push(shop);
  const count = 150;
  const opts = { server, nc: shop.nc, jsm: shop.jsm, count, lostAckAt: 100, mode: 'stop' as const, outageMs };
  const pubs = await publishersThroughOutage({ ...opts, variants: [WITH_MSG_ID, WITHOUT_MSG_ID] });
  out.table(
    pubs.map((p) => ({
      shop: p.variant.label,
      'ORD-0100 attempts': p.lostAck.attempts,
      'ORD-0100 failures': countRuns(p.lostAck.failures),
      'final PubAck': `seq ${p.lostAck.seq}${p.lostAck.duplicate ? ' (duplicate)' : ''}`,
      stored: p.stored.length,
      distinct: new Set(p.stored).size,
    })),
  );
  for (const p of pubs) {
    const clean = p.stored.length === count && p.duplicates.size === 0;
    const dups = p.duplicates.size ? ` (${[...p.duplicates].map(([id, n]) => `${id} x${n}`).join(', ')})` : '';
    (clean ? out.ok : out.bad)(`${p.variant.stream}: ${p.stored.length} stored for ${count} orders${dups}`);
    ctx.summary.push({ scene: `publisher ${p.variant.label}`, result: `${p.stored.length} stored for ${count} orders` });
  }
  out.say('The broker rebuilt its duplicate window from disk on restart, so the same Nats-Msg-Id was recognised after the outage.');
}

/** "PubAck lost, TimeoutError x3" instead of the same word three times. */
function countRuns(items: string[]): string {
  const runs: { item: string; n: number }[] = [];
  for (const item of items) {
    const last = runs[runs.length - 1];
    if (last?.item === item) last.n += 1;
    else runs.push({ item, n: 1 });
  }
  return runs.map((r) => (r.n > 1 ? `${r.item} x${r.n}` : r.item)).join(', ');
}
