// The story's first mistake, checked on a live server: its ORDERS stream listens on `order.*`, and
// `*` is one token, so the partition subject `order.partition.3.created` is captured by no stream.
// Lesson 06's copies of both streams are used (L06_ORDERS on l06.order.*), never the story's names.
import { type Nats } from '@mq/shared';
import type { PubAck } from '@nats-io/jetstream';
import { partitionSubject } from './partitions';
import { ORDERS_STREAM, resetPartitionStream, setupOrdersStream, teardown } from './setup';

export interface SubjectCheck {
  subject: string;
  /** The error the publish into the `order.*` stream got. */
  seedStreamError: Error;
  /** Where the same publish landed once a stream listens on order.partition.*.*. */
  captured: PubAck;
}

/** Publish the partition subject with only ORDERS (`order.*`) present, then with the partition stream. */
export async function checkSubjects(nats: Nats, userId = 123): Promise<SubjectCheck> {
  const subject = partitionSubject({ userId, event: 'created' }, 10);
  const payload = JSON.stringify({ userId, orderId: `U${userId}-O1`, event: 'created' });
  await teardown(nats.jsm);
  await setupOrdersStream(nats.jsm);
  let seedStreamError: Error | undefined;
  try {
    await nats.js.publish(subject, payload);
  } catch (err) {
    seedStreamError = err as Error;
  } finally {
    await nats.jsm.streams.delete(ORDERS_STREAM);
  }
  if (!seedStreamError) throw new Error(`expected ${subject} to be refused, but a stream on this server captured it`);
  await resetPartitionStream(nats.jsm);
  const captured = await nats.js.publish(subject, payload);
  await resetPartitionStream(nats.jsm);
  return { subject, seedStreamError, captured };
}
