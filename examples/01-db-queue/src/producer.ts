// The order service before and after the chapter's change. Before: all five calls inside the
// request (50 + 100 + 200 + 80 + 60 = 490 ms). After: only the core steps (inventory, order)
// stay synchronous, and the order row plus its three tasks are written in ONE transaction, so
// there is never an order without its tasks, nor tasks for an order that does not exist.
import { tasksFor, type Order, type Shop } from '@mq/shared';
import type pg from 'pg';

export interface PlacedOrder {
  orderId: string;
  /** Wall-clock time of the request, ms. */
  latencyMs: number;
  taskIds: string[];
}

/** The story's starting point: every step in the request, one after the other. */
export async function placeOrderSync(shop: Shop, order: Order): Promise<PlacedOrder> {
  const t0 = performance.now();
  await shop.ordersDb.call('insert', order.id);
  await shop.inventory.call('deduct', order.id);
  await shop.email.call('send', order.id);
  await shop.points.call('add', order.id);
  await shop.push.call('send', order.id);
  return { orderId: order.id, latencyMs: performance.now() - t0, taskIds: [] };
}

/**
 * The chapter's producer. The inventory call comes first and OUTSIDE the transaction: the seed
 * keeps a transaction open across that 100 ms network call, which pins a connection and its locks
 * for nothing, since a ROLLBACK cannot un-deduct stock anyway. The transaction itself is short:
 * the order row and its three task rows commit together or not at all.
 * `shop.ordersDb` supplies the story's 50 ms for the order write (a local INSERT takes ~1 ms).
 */
export async function placeOrder(pool: pg.Pool, shop: Shop, order: Order): Promise<PlacedOrder> {
  const t0 = performance.now();
  await shop.inventory.call('deduct', order.id); // core: no stock, no order (throws, nothing written)
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await shop.ordersDb.call('insert', order.id);
    await client.query('INSERT INTO orders (id, user_id, email, items, points) VALUES ($1, $2, $3, $4, $5)', [
      order.id,
      order.userId,
      order.email,
      JSON.stringify(order.items),
      order.points,
    ]);
    const tasks = tasksFor(order);
    const res = await client.query<{ id: string }>(
      `INSERT INTO task_queue (task_type, payload)
       SELECT t, p FROM unnest($1::text[], $2::jsonb[]) AS x(t, p)
       RETURNING id`,
      [tasks.map((t) => t.type), tasks.map((t) => JSON.stringify(t.payload))],
    );
    await client.query('COMMIT');
    return { orderId: order.id, latencyMs: performance.now() - t0, taskIds: res.rows.map((r) => r.id) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    // A real service would now release the stock it deducted (a compensating call).
    throw err;
  } finally {
    client.release();
  }
}
