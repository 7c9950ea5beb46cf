// wrong: one consumer and one worker per partition looks like enough; but a nak'd event waits while the next is handed out
// expect: processed before
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
  return { filter_subject: filterSubject };
}
