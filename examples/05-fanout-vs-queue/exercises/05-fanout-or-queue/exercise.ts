// Exercise 05-fanout-or-queue: the shop runs two services, email and analytics, each as two
// instances. Every service must see every order (fan-out), while the two instances of one service
// share its orders (queue): each order is handled by exactly one instance of each service.
// Write consumerFor, then: pnpm verify 05-fanout-or-queue   (stuck? pnpm hint 05-fanout-or-queue)
import type { ConsumerConfig } from '@nats-io/jetstream';
import { NotWrittenYet } from '@mq/shared/workshop';

export type Service = 'email' | 'analytics';

/** The durable pull consumer one instance attaches to. */
export type InstanceConsumer = Partial<ConsumerConfig> & { durable_name: string };

/**
 * Called once by every instance at start-up: ('email', 1), ('email', 2), ('analytics', 1),
 * ('analytics', 2). The instance creates the consumer it gets on the stream ORDERS (subjects
 * `order.*`, limits retention, so reading a message does not remove it for anyone else), then
 * pulls from it and acks each order.
 */
export function consumerFor(service: Service, instance: number): InstanceConsumer {
  throw new NotWrittenYet(`consumerFor('${service}', ${instance})`);
}
