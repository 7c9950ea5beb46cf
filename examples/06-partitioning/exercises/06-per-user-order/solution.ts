// Reference solution of 06-per-user-order: route by user (userId % N), and let each partition's
// consumer hold one unacknowledged message at a time.
import type { ConsumerConfig } from '@nats-io/jetstream';

export interface UserEvent {
  userId: number;
  orderNo: number;
  kind: 'created' | 'paid' | 'shipped';
}

export function partitionFor(event: UserEvent, partitions: number): number {
  return event.userId % partitions;
}

export function partitionConsumer(_p: number, filterSubject: string): Partial<ConsumerConfig> {
  return { filter_subject: filterSubject, max_ack_pending: 1 };
}
