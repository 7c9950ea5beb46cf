// "Lost on restart?" observed, not asserted from folklore: every driver stores K messages with no
// consumer attached, every server restarts gracefully, and we count what each backend still holds.
// RabbitMQ is only restarted when the bench runs its own node; on the shared server its row says so.
import { buildDrivers, connectAll, type DriverOptions, type Servers } from './backends';
import { stamp } from './driver';

export interface RestartResult {
  driver: string;
  published: number;
  /** null: not restarted here (see `note`). */
  keptAfterRestart: number | null;
  lost: number | null;
  note?: string;
}

export async function restartCheck(servers: Servers, k: number, opts: DriverOptions): Promise<RestartResult[]> {
  const skip = (name: string) => name === 'rabbitmq' && !servers.rabbit.private;
  const before = await connectAll(servers);
  const drivers = buildDrivers(before, servers, opts);
  for (const d of drivers) {
    if (skip(d.name)) continue;
    await d.setup();
    for (let i = 0; i < k; i++) {
      const wait = d.publish(stamp(64, i));
      if (wait) await wait;
    }
    await d.flush();
    await d.release?.();
  }
  await before.close();
  await servers.restartAll();
  const after = await connectAll(servers);
  try {
    const results: RestartResult[] = [];
    for (const d of buildDrivers(after, servers, opts)) {
      if (skip(d.name)) {
        const note = `a claim, not measured: ${servers.rabbit.notRestartedBecause}; RabbitMQ documents that a durable queue's persistent messages survive`;
        results.push({ driver: d.name, published: k, keptAfterRestart: null, lost: null, note });
        continue;
      }
      const kept = await d.depth();
      await d.close();
      results.push({ driver: d.name, published: k, keptAfterRestart: kept, lost: k - kept });
    }
    if (servers.rabbit.unavailable) {
      results.push({ driver: 'rabbitmq', published: k, keptAfterRestart: null, lost: null, note: 'not measured: there is no RabbitMQ in this run' });
    }
    return results;
  } finally {
    await after.close();
  }
}
