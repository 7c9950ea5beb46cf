// What a current nats-server adds to the drill, by version (issue 15): an atomic batch cut short by
// a SIGKILL leaves nothing (2.12+) where 2.9 keeps the lines it got; and how many messages with a
// confirmed ack come back after a SIGKILL, printed per version (it varies run to run: not asserted).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateNatsServer } from '@mq/shared/services';
import { measureAckLoss } from '../src/ack-loss';
import { ATOMIC_BATCH_SINCE } from '../src/atomic-batch';
import { batchDrill } from '../src/batch-drill';
import { versionAtLeast } from '@mq/shared';

const servers: PrivateNatsServer[] = [];
beforeAll(async () => {
  servers.push(...(await Promise.all([PrivateNatsServer.start(), PrivateNatsServer.start()])));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.dispose()));
});

describe.concurrent('a current server in the drill', () => {
  it(`an atomic batch (${ATOMIC_BATCH_SINCE}+) cut short by a SIGKILL keeps none of its lines; older servers keep what they got`, async ({ expect }) => {
    const r = await batchDrill(servers[0]);
    expect(r.afterRetry, 'lines stored by the committed retry').toBe(5);
    if (versionAtLeast(r.version, ATOMIC_BATCH_SINCE)) {
      console.info(`nats-server ${r.version}: checking all-or-nothing`);
      expect(r.afterCrash, 'lines of the uncommitted batch after the crash').toBe(0);
      expect(r.ack).toMatchObject({ batch: 'ORD-0500-try-2', count: 5 });
    } else {
      console.info(`nats-server ${r.version} (< ${ATOMIC_BATCH_SINCE}): no atomic batches; checking that the lines sent before the kill are kept`);
      expect(r.afterCrash, 'lines kept without atomic batches').toBe(4);
      expect(r.ack?.batch).toBeUndefined();
    }
  });

  it('reports how many messages with a confirmed ack are delivered again after a SIGKILL (limits stream)', async () => {
    const r = await measureAckLoss(servers[1], { count: 1_000, retention: 'limits', ackWaitMs: 1_000 });
    expect(r.confirmed, 'acks the server confirmed before the kill').toBe(1_000);
    console.info(`nats-server ${r.version}, limits stream: ${r.redelivered} of ${r.confirmed} confirmed acks undone by a SIGKILL (printed, not asserted)`);
  });
});
