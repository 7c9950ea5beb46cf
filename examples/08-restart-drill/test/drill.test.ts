// The story's drill, proven both ways: 1,000 tasks and a durable that has consumed none of them
// come back intact after a graceful stop AND after a SIGKILL, on the same store, after the outage.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { timings } from '@mq/shared';
import { ConnectionWatch } from '../src/connection-watch';
import { prepareDrill, runDrill } from '../src/drill';
import type { OutageMode } from '../src/outage';
import { storeFiles } from '../src/store-files';

const COUNT = 1_000;
const outageMs = timings().get('brokerOutageMs');
const fixtures: Partial<Record<OutageMode, NatsFixture>> = {};

beforeAll(async () => {
  // One private broker per scene: both scenes run at the same time and each kills its own.
  [fixtures.stop, fixtures.kill] = await Promise.all([privateNats(), privateNats()]);
});
afterAll(async () => {
  await Promise.all(Object.values(fixtures).map((f) => f?.dispose()));
});

describe.concurrent('restart drill on a private nats-server', () => {
  for (const mode of ['stop', 'kill'] as const) {
    it(`keeps 1,000 messages and the consumer's position through a ${mode === 'stop' ? 'graceful stop' : 'SIGKILL'} and a ${outageMs} ms outage`, async ({ expect }) => {
      const fx = fixtures[mode]!;
      const watch = new ConnectionWatch(fx.nats.nc);
      const setup = await prepareDrill(fx.nats, COUNT);
      expect(setup.state).toMatchObject({ messages: COUNT, firstSeq: 1, lastSeq: COUNT, pending: COUNT, delivered: 0, ackPending: 0 });

      const r = await runDrill(fx.server, fx.nats, watch, { mode, outageMs });

      // The broker really was gone: at the end of the outage its process had exited and its port
      // refused connections. And the client noticed.
      expect(r.outage.probe).toEqual({ running: false, accepting: false });
      expect(watch.after('disconnect', r.outage.downRequestedAt - 1)).toBeDefined();
      // Everything is back: same messages, same bytes, and the consumer still has all 1,000 ahead of it.
      expect(r.after).toEqual(r.before);
      expect(r.after).toMatchObject({ messages: COUNT, lastSeq: COUNT, pending: COUNT, delivered: 0, ackPending: 0 });
      // On disk: block files and consumer state, no write-ahead-log directory (the seed's wal/ does not exist).
      const files = storeFiles(fx.server.storeDir, setup.stream);
      expect(files.some((f) => /^msgs\/\d+\.blk /.test(f)), `msgs/*.blk block files among: ${files.join(', ')}`).toBe(true);
      expect(files.some((f) => f.startsWith('obs/email-worker/')), `obs/email-worker/ consumer state among: ${files.join(', ')}`).toBe(true);
      expect(files.filter((f) => /wal/i.test(f)), 'write-ahead-log files').toEqual([]);
    });
  }
});
