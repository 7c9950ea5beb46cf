// Scene 1: the producer. The order request keeps only its core steps, and writes the order and
// its three task rows in one transaction (the xmin query proves it).
import { createShop, makeOrder, STORY_LATENCY_MS } from '@mq/shared';
import { r0 } from './narration';
import { placeOrder, placeOrderSync } from './producer';
import type { Scene } from './scene';
import { creatingTransactions } from './setup';

export async function sceneProducer({ out, pool }: Scene): Promise<void> {
  out.step('The producer: only the core steps stay in the request');
  const shop = createShop();
  const before = await placeOrderSync(shop, makeOrder(1));
  const after = await placeOrder(pool, shop, makeOrder(2));
  out.table([
    { order: 'ORD-0001', design: 'before: all five calls in the request', latency_ms: r0(before.latencyMs) },
    { order: 'ORD-0002', design: 'after: inventory, then order + 3 task rows in ONE transaction', latency_ms: r0(after.latencyMs) },
  ]);
  const xmins = await creatingTransactions(pool, after.orderId);
  const shared = xmins.map((r) => `${r.xmin} x ${r.rows}`).join(', ');
  out.ok(`${after.orderId}: the order row and its 3 task rows share one creating transaction (xmin ${shared})`);
  out.say(
    `story: 490 ms -> 150 ms. Email (${STORY_LATENCY_MS.email}), points (${STORY_LATENCY_MS.points}) ` +
      `and push (${STORY_LATENCY_MS.push}) are now rows for a worker.`,
  );
}
