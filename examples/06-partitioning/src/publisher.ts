// The shop's side: publish each event to its partition's subject and wait for the PubAck, one
// after another, so the stream holds every user's events in the order they happened.
import { publishJson } from '@mq/shared';
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { partitionSubject, type OrderEventMsg } from './partitions';

export async function publishEvents(js: JetStreamClient, events: OrderEventMsg[], partitions: number): Promise<PubAck[]> {
  const acks: PubAck[] = [];
  for (const e of events) acks.push(await publishJson(js, partitionSubject(e, partitions), e));
  return acks;
}
