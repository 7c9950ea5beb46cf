// Reference solution of 05-fanout-or-queue: one durable per SERVICE. A durable keeps one position
// in the stream and hands each message to one of the pull requests waiting on it, so the instances
// sharing it split the orders (queue), while each service's own durable sees every order (fan-out).
import { AckPolicy, type ConsumerConfig } from '@nats-io/jetstream';

export type Service = 'email' | 'analytics';
export type InstanceConsumer = Partial<ConsumerConfig> & { durable_name: string };

export function consumerFor(service: Service, _instance: number): InstanceConsumer {
  return { durable_name: service, ack_policy: AckPolicy.Explicit, filter_subject: 'order.*' };
}
