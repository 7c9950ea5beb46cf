// wrong: the story's mistake: a durable per worker ("email-1", "email-2"), as if that made a queue
// group. Each durable keeps its own position, so both email instances send every confirmation.
// expect: went to both email instances
import { AckPolicy, type ConsumerConfig } from '@nats-io/jetstream';

export type Service = 'email' | 'analytics';
export type InstanceConsumer = Partial<ConsumerConfig> & { durable_name: string };

export function consumerFor(service: Service, instance: number): InstanceConsumer {
  return { durable_name: `${service}-${instance}`, ack_policy: AckPolicy.Explicit };
}
