// wrong: partitions by order number, which spreads load just as well; but one user's orders then land in different lanes
// expect: processed before
import type { ConsumerConfig } from '@nats-io/jetstream';

export interface UserEvent {
  userId: number;
  orderNo: number;
  kind: 'created' | 'paid' | 'shipped';
}

export function partitionFor(event: UserEvent, partitions: number): number {
  return event.orderNo % partitions;
}

export function partitionConsumer(_p: number, filterSubject: string): Partial<ConsumerConfig> {
  return { filter_subject: filterSubject, max_ack_pending: 1 };
}
