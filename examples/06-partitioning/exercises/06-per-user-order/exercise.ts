// Exercise 06-per-user-order: keep every user's events in order while partitions run in parallel.
// Write the two decisions of lesson 06: which partition a user's events go to, and how each
// partition's durable consumer must be configured so a retry cannot let a later event overtake.
// Check it with `pnpm verify 06-per-user-order`; hints with `pnpm hint 06-per-user-order`.
import type { ConsumerConfig } from '@nats-io/jetstream';
import { NotWrittenYet } from '@mq/shared/workshop';

/** One event of the shop, as the check publishes it. */
export interface UserEvent {
  userId: number;
  /** A global order number (orders of all users are numbered together). */
  orderNo: number;
  kind: 'created' | 'paid' | 'shipped';
}

/** The partition (0 .. partitions-1) this event goes to. */
export function partitionFor(_event: UserEvent, _partitions: number): number {
  throw new NotWrittenYet('partitionFor: pick the partition of an event');
}

/**
 * The config of partition `p`'s durable consumer. The check adds the durable name and explicit
 * acks; you decide what else this consumer needs. `filterSubject` is partition p's subject filter.
 */
export function partitionConsumer(_p: number, _filterSubject: string): Partial<ConsumerConfig> {
  throw new NotWrittenYet('partitionConsumer: configure one partition consumer');
}
