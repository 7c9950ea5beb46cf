// "Lost on restart?" observed, not asserted from folklore: every driver stores K messages with no
// consumer attached, all three servers restart gracefully, and we count what each backend still holds.
import { buildDrivers, connectAll, type DriverOptions, type Servers } from './backends';
import { stamp } from './driver';

export interface RestartResult {
  driver: string;
  published: number;
  keptAfterRestart: number;
  lost: number;
}

export async function restartCheck(servers: Servers, k: number, opts: DriverOptions): Promise<RestartResult[]> {
  const before = await connectAll(servers);
  const drivers = buildDrivers(before, servers, opts);
  for (const d of drivers) {
    await d.setup();
    for (let i = 0; i < k; i++) await d.publish(stamp(64, i));
    await d.flush();
  }
  await before.close();
  await servers.restartAll();
  const after = await connectAll(servers);
  try {
    const results: RestartResult[] = [];
    for (const d of buildDrivers(after, servers, opts)) {
      const kept = await d.depth();
      results.push({ driver: d.name, published: k, keptAfterRestart: kept, lost: k - kept });
    }
    return results;
  } finally {
    await after.close();
  }
}
