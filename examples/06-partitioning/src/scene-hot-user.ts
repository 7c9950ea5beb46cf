// Step 5: one user floods its partition; the users who share it wait, everyone else does not.
import type { Nats, Output } from '@mq/shared';
import { runExperiment } from './experiment';
import { fixedPlan } from './handler';
import { orderEvents } from './partitions';
import { ms } from './report';

export async function sceneHotUser(nats: Nats, out: Output, ackWaitMs: number): Promise<void> {
  out.step('A hot user: user 7 places 13 orders at once, 20 other users one order each (10 ms per event)');
  const others = Array.from({ length: 20 }, (_, i) => 10 + i);
  const events = [...orderEvents([7], 13), ...orderEvents(others)];
  const hot = await runExperiment(nats, { mode: 'partitioned', partitions: 10, events, plan: fixedPlan({ created: 10, paid: 10, shipped: 10 }), ackWaitMs });
  out.table(
    Array.from({ length: 10 }, (_, p) => {
      const us = [...(p === 7 ? [7] : []), ...others.filter((u) => u % 10 === p)];
      return {
        partition: p,
        users: us.join(', '),
        events: hot.log.acked.filter((a) => a.userId % 10 === p).length,
        'done at ms': ms(Math.max(...us.map((u) => hot.log.finishedAt(u)))),
      };
    }),
  );
  const elsewhere = Math.max(...others.filter((u) => u % 10 !== 7).map((u) => hot.log.finishedAt(u)));
  const neighbours = `${ms(hot.log.finishedAt(17))} / ${ms(hot.log.finishedAt(27))} ms`;
  out.bad(`users 17 and 27 share partition 7 with the hot user: done at ${neighbours}, while every other user was done by ${ms(elsewhere)} ms`);
}
