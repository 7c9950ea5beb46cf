// Scene 5: what each order costs the database in row writes, counted by PostgreSQL itself.
import { fmt, rowCounts } from './narration';
import { measureWriteAmplification } from './amplification';
import type { Scene } from './scene';

export async function sceneAmplification({ out, url, orders, results }: Scene): Promise<void> {
  out.step(`Write amplification: ${orders} orders, counted by PostgreSQL`);
  const amp = await measureWriteAmplification(url, { orders, worker: 'naive', firstOrder: 1000 });
  out.table(
    [
      { table: 'orders', ...rowCounts(amp.ordersTable) },
      { table: 'task_queue', ...rowCounts(amp.taskTable) },
    ],
    ['table', 'inserted', 'updated', 'hot_updates', 'dead_rows'],
  );
  const perOrder = amp.writesPerOrder;
  out.say(
    `Per order: ${perOrder} row writes (1 order + 3 task inserts + 6 status updates: 'processing' AND 'completed').\n` +
      `At the story's 1,000 orders/s: ${fmt(perOrder * 1000)} row writes/s, not 6,000 (the story counts one update per task),\n` +
      `plus ${fmt((amp.taskTable.updated / orders) * 1000)} dead row versions/s for VACUUM; no update was HOT, because status is indexed.`,
  );
  results.writesPerOrder = String(perOrder);
}
