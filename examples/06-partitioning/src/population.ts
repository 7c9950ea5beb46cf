// A shop's users on paper: how many events each produces, one of them a hot user, and how those
// events spread over N partitions. No broker needed: routing is arithmetic (userId % N).
import { partitionOf } from './partitions';
import { seededRandom } from '@mq/shared';

export interface Population {
  /** Events per user id. */
  events: Map<number, number>;
  hotUserId: number;
  totalEvents: number;
}

/** `users` ordinary users with 1-4 orders (3 events each) and one hot user producing `hotShare` of all events. */
export function generatePopulation(opts: { users?: number; hotUserId?: number; hotShare?: number; seed?: number } = {}): Population {
  const { users = 1_000, hotUserId = 4_242, hotShare = 0.3, seed = 6 } = opts;
  const rnd = seededRandom(seed);
  const events = new Map<number, number>();
  while (events.size < users) {
    const id = 1 + Math.floor(rnd() * 999_999);
    if (id !== hotUserId && !events.has(id)) events.set(id, 3 * (1 + Math.floor(rnd() * 4)));
  }
  const others = [...events.values()].reduce((s, n) => s + n, 0);
  const hot = 3 * Math.round((others * hotShare) / (1 - hotShare) / 3);
  events.set(hotUserId, hot);
  return { events, hotUserId, totalEvents: others + hot };
}

export interface Spread {
  partitions: number;
  perPartition: number[];
  usersPerPartition: number[];
  hotPartition: number;
  /** The hot partition's share of all events. */
  hotPartitionShare: number;
  /** The hot user's own share: no partition count brings the hot partition below this. */
  hotUserShare: number;
  /** Busiest partition / average partition: >1 means one worker has more than its share. */
  maxOverMean: number;
  /** Ordinary users whose events queue behind the hot user's. */
  usersSharingHot: number;
  otherEventsInHot: number;
  /** The busiest partition apart from the hot one (share of all events). */
  busiestOtherShare: number;
}

export function spread(pop: Population, partitions: number): Spread {
  const perPartition = new Array<number>(partitions).fill(0);
  const usersPerPartition = new Array<number>(partitions).fill(0);
  for (const [user, n] of pop.events) {
    const p = partitionOf(user, partitions);
    perPartition[p] += n;
    usersPerPartition[p] += 1;
  }
  const hotPartition = partitionOf(pop.hotUserId, partitions);
  const hotUserEvents = pop.events.get(pop.hotUserId) ?? 0;
  const mean = pop.totalEvents / partitions;
  return {
    partitions,
    perPartition,
    usersPerPartition,
    hotPartition,
    hotPartitionShare: perPartition[hotPartition] / pop.totalEvents,
    hotUserShare: hotUserEvents / pop.totalEvents,
    maxOverMean: Math.max(...perPartition) / mean,
    usersSharingHot: usersPerPartition[hotPartition] - 1,
    otherEventsInHot: perPartition[hotPartition] - hotUserEvents,
    busiestOtherShare: Math.max(...perPartition.filter((_, p) => p !== hotPartition)) / pop.totalEvents,
  };
}
