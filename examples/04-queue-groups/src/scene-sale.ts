// Scene 1: the sale's arithmetic. 5,000 orders/s arrive and one worker sends 500 emails/s: what piles up,
// how many workers sharing one queue it takes to keep up, and why just enough is not enough.
import { backlog, drainSeconds, SALE, workersNeeded } from './backlog';
import type { DemoContext } from './demo-context';

/** The demo's narration of this scene (main.ts runs it). */
export function showSale(c: DemoContext): void {
  const { out } = c;
  out.step('The sale: 5,000 orders/s arrive, one worker sends 500 emails/s');
  out.table(
    [1, 3, 10].map((w) => {
      const b = backlog(w);
      return { workers: w, 'emails/s': b.capacityPerSecond, 'backlog grows /s': b.growthPerSecond, 'backlog after 1 h': b.afterOneHour.toLocaleString('en-US') };
    }),
  );
  out.say(`Keeping up takes ${workersNeeded()} workers (${SALE.inPerSecond} / ${SALE.perWorkerPerSecond}), and they must all read the SAME queue.`);
  const hourOfBacklog = backlog(1).afterOneHour;
  out.say(`But ${workersNeeded()} only stops the growth; the ${hourOfBacklog.toLocaleString('en-US')} already queued never shrink (the seed's "10 workers: done" has no headroom).`);
  out.say(`With 12 workers the surplus is 1,000/s and that backlog takes ${(drainSeconds(hourOfBacklog, 12) / 3600).toFixed(1)} h to clear.`);
  out.say('In JetStream the queue is a durable consumer: workers that fetch from one durable name share its messages.');
}
