// Step 6: 10 or 100 partitions on a generated population with one hot user: more partitions spread
// the other users, but no N splits the hot key.
import type { Output } from '@mq/shared';
import { generatePopulation, spread, type Spread } from './population';
import { pct } from './report';

export function scenePopulation(out: Output): void {
  out.step('10 or 100 partitions? 1,000 users on paper, one hot user making 30% of all events');
  const pop = generatePopulation();
  const s10 = spread(pop, 10);
  const s100 = spread(pop, 100);
  out.say(`${pop.events.size} users, ${pop.totalEvents} events; hot user ${pop.hotUserId} alone makes ${pct(s10.hotUserShare)} of them.`);
  out.say('userId % 10:');
  out.table(
    s10.perPartition.map((n, p) => ({
      partition: p,
      users: s10.usersPerPartition[p],
      events: n,
      share: pct(n / pop.totalEvents),
      note: p === s10.hotPartition ? '<- hot user' : '',
    })),
  );
  out.table([summaryRow(s10), summaryRow(s100)]);
  const busiest = `the busiest ordinary partition drops from ${pct(s10.busiestOtherShare)} to ${pct(s100.busiestOtherShare)}`;
  out.ok(`more partitions spread the OTHER users: ${s10.usersSharingHot} users queue behind the hot one with 10 partitions, ${s100.usersSharingHot} with 100; ${busiest}`);
  const ceiling = `its partition still carries ${pct(s100.hotPartitionShare)} of all events (never below its own ${pct(s100.hotUserShare)})`;
  out.bad(`the hot KEY is not split: ${ceiling}; that one worker is the ceiling`);
  out.say('To go further, shrink the key (order id instead of user id, if per-order order is enough) or give the hot user its own lane.');
  out.say('Changing N moves users between partitions: drain the old partitions before switching, or order breaks during the move.');
}

function summaryRow(s: Spread) {
  return {
    partitions: s.partitions,
    'hot partition': s.hotPartition,
    'its share': pct(s.hotPartitionShare),
    'busiest / average': `${s.maxOverMean.toFixed(1)}x`,
    'users behind hot': s.usersSharingHot,
    'their events': s.otherEventsInHot,
    'busiest other': pct(s.busiestOtherShare),
  };
}
