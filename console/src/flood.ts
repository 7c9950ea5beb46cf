// The workload `pnpm --filter console measure` runs in a child process: the busiest thing a lesson
// does (a flood of orders through several PullWorkers, like 11-bench), so every ack is reported
// to the console. Prints one JSON line when done: {"messages": N, "ms": T}.
import { connectNats, ensureDurable, ensureStream, intFlag, parseFlags, PullWorker, runMain, waitFor, type Nats } from '@mq/shared';

const USAGE = 'Usage: tsx src/flood.ts --url nats://... [--messages 20000] [--workers 4]';

runMain(async () => {
  const f = parseFlags(USAGE, { url: { type: 'string' }, messages: { type: 'string' }, workers: { type: 'string' } });
  if (!f.url) throw new Error(USAGE);
  const total = intFlag('messages', f.messages, 20_000, 1);
  const count = intFlag('workers', f.workers, 4, 1, 32);
  const admin = await connectNats(f.url, { name: 'flood-publisher' });
  await ensureStream(admin.jsm, { name: 'L11_FLOOD', subjects: ['l11.flood'] });
  await ensureDurable(admin.jsm, 'L11_FLOOD', 'flood-workers', { ackWaitMs: 30_000 });
  const conns: Nats[] = [];
  const workers: PullWorker[] = [];
  for (let i = 1; i <= count; i++) {
    const c = await connectNats(f.url, { name: `flood-worker-${i}` });
    conns.push(c);
    workers.push(new PullWorker({ js: c.js, stream: 'L11_FLOOD', consumer: 'flood-workers', batch: 100, confirmAcks: false, handler: () => 'ack' }).start());
  }
  const t0 = performance.now();
  for (let i = 0; i < total; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, total - i) }, (_, k) => admin.js.publish('l11.flood', `order ${i + k}`)));
  }
  const acked = () => workers.reduce((a, w) => a + w.stats.acked, 0);
  await waitFor(() => acked() >= total, { timeoutMs: 120_000, what: `${total} acks` });
  const ms = performance.now() - t0;
  await Promise.all(workers.map((w) => w.stop()));
  await admin.jsm.streams.delete('L11_FLOOD');
  await Promise.all([admin, ...conns].map((c) => c.close()));
  console.log(JSON.stringify({ messages: total, ms: Math.round(ms) }));
});
