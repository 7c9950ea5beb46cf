// Steps 2 and 3: the story's 5 June bug (a queue group finishes user 123's events in the wrong
// order), then the fix (partition 3's own consumer, one event at a time).
import type { Nats, Output, Timings } from '@mq/shared';
import { runExperiment } from './experiment';
import { fixedPlan } from './handler';
import { ORDER_EVENTS, orderEvents, partitionOf } from './partitions';
import { eventName, timelineOf } from './report';

export async function sceneQueueGroup(nats: Nats, out: Output, t: Timings): Promise<void> {
  const scale = t.real ? 1 : 10;
  const story = { created: 20 * scale, paid: 10 * scale, shipped: 15 * scale };
  const readable = t.real ? '' : " (the story's 20/10/15 ms x10, readable; --real-timings for the story's)";
  const storyNote = `work: created ${story.created} ms, paid ${story.paid} ms, shipped ${story.shipped} ms${readable}`;
  const ackWaitMs = t.get('ackWaitMs');

  out.step('2024-06-05: three workers in one queue group, user 123 created -> paid -> shipped');
  out.say(storyNote);
  const shared = await runExperiment(nats, { mode: 'shared', workers: 3, partitions: 10, events: orderEvents([123]), plan: fixedPlan(story), ackWaitMs });
  out.timeline(timelineOf(shared.log));
  const sharedOrder = shared.log.processedOrder(123).map(eventName);
  if (sharedOrder.join() === ORDER_EVENTS.join()) out.say(`processed in order this time (${sharedOrder.join(' -> ')}): nothing guarantees it; run again.`);
  else out.bad(`user 123 processed: ${sharedOrder.join(' -> ')}. "paid" for an order that does not exist yet.`);

  out.step(`Partition by user: 123 % 10 = ${partitionOf(123, 10)}, one consumer per partition, max_ack_pending 1`);
  out.say(storyNote);
  const part = await runExperiment(nats, { mode: 'partitioned', partitions: 10, events: orderEvents([123]), plan: fixedPlan(story), ackWaitMs });
  out.timeline(timelineOf(part.log));
  const order = part.log.processedOrder(123).map(eventName).join(' -> ');
  out.ok(`user 123 processed: ${order} (slower for this one user: its events now run one after another)`);
}
