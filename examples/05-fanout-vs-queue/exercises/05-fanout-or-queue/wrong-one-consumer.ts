// wrong: "a queue means one consumer", so every instance of every service attaches to the same
// durable. The four instances now split the orders between them: email misses what analytics took.
// expect: share the consumer "orders-workers"
import { AckPolicy, type ConsumerConfig } from '@nats-io/jetstream';

export type Service = 'email' | 'analytics';
export type InstanceConsumer = Partial<ConsumerConfig> & { durable_name: string };

export function consumerFor(_service: Service, _instance: number): InstanceConsumer {
  return { durable_name: 'orders-workers', ack_policy: AckPolicy.Explicit };
}
