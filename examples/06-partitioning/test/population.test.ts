// Routing is arithmetic, so the partition maths needs no broker: userId % N, one hot key that no
// N can split, and what more partitions do for everyone else.
import { describe, expect, it } from 'vitest';
import { partitionOf, partitionSubject } from '../src/partitions';
import { generatePopulation, spread } from '../src/population';

describe('partition routing', () => {
  it("routes by userId % N into the story's subjects", () => {
    expect(partitionSubject({ userId: 123, event: 'paid' }, 10)).toBe('l06.order.partition.3.paid');
    expect(partitionSubject({ userId: 456, event: 'created' }, 10)).toBe('l06.order.partition.6.created');
    expect(partitionSubject({ userId: 123, event: 'paid' }, 100)).toBe('l06.order.partition.23.paid');
    expect(() => partitionOf(-7, 10)).toThrow(/non-negative integer/); // Go's -7 % 10 is -7: no such partition
    expect(() => partitionOf(7, 0)).toThrow(/positive integer/);
  });
});

describe('a hot user among 1,000', () => {
  const pop = generatePopulation({ users: 1_000, hotShare: 0.3, seed: 6 });
  const s10 = spread(pop, 10);
  const s100 = spread(pop, 100);

  it("puts the hot user's events in one partition whatever N is", () => {
    expect(s10.hotUserShare).toBeCloseTo(0.3, 2);
    for (const n of [10, 100, 1_000]) {
      const s = spread(pop, n);
      expect(s.hotPartitionShare).toBeGreaterThanOrEqual(s.hotUserShare);
    }
    expect(s10.hotPartitionShare).toBeGreaterThan(0.33); // 30% hot user + about a tenth of everyone else
    expect(s100.hotPartitionShare).toBeLessThan(0.32);
    expect(s100.maxOverMean).toBeGreaterThan(s10.maxOverMean); // relative to the average lane, the hot one stands out MORE
  });

  it('100 partitions take the other users out of the hot lane and flatten the rest', () => {
    expect(s10.usersSharingHot).toBeGreaterThanOrEqual(70);
    expect(s10.usersSharingHot).toBeLessThanOrEqual(130);
    expect(s100.usersSharingHot).toBeLessThanOrEqual(20);
    expect(s10.usersSharingHot).toBeGreaterThanOrEqual(5 * s100.usersSharingHot);
    expect(s10.otherEventsInHot).toBeGreaterThanOrEqual(5 * s100.otherEventsInHot);
    expect(s10.busiestOtherShare).toBeGreaterThan(0.06);
    expect(s100.busiestOtherShare).toBeLessThan(0.02);
  });

  it('without a hot user, modulo spreads a population evenly', () => {
    const calm = generatePopulation({ users: 1_000, hotShare: 0, seed: 6 });
    expect(spread(calm, 10).maxOverMean).toBeLessThan(1.25);
    expect(spread(calm, 10).perPartition.reduce((a, b) => a + b, 0)).toBe(calm.totalEvents);
  });
});
