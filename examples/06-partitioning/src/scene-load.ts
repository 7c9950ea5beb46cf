// Step 4: 30 users, random work times and naks. With max_ack_pending 1 every user keeps its order
// while the partitions run in parallel; with more room per consumer a retry lets the next event of
// the same user overtake the one waiting for redelivery.
import type { Nats, Output } from '@mq/shared';
import { runExperiment } from './experiment';
import { randomPlan } from './handler';
import { orderEvents } from './partitions';
import type { ProcessingLog } from './processing-log';
import type { OrderEventMsg } from './partitions';
import { ms, partitionTable } from './report';

export interface LoadOptions {
  seed: number;
  ackWaitMs: number;
  /** max_ack_pending of every partition consumer (the lesson's 1; --max-ack-pending changes it). */
  maxAckPending: number;
}

export async function sceneLoad(nats: Nats, out: Output, o: LoadOptions): Promise<void> {
  const users = Array.from({ length: 30 }, (_, i) => 100 + i);
  const plan = randomPlan(o.seed, { minMs: 5, maxMs: 40, failRate: 0.2 });
  const events = orderEvents(users, 2);
  const nakDelayMs = 100; // longer than the work of the events behind a failed one: room to overtake
  out.step(`Under load: ${users.length} users x 2 orders x 3 events, random work 5-40 ms, ~20% of attempts fail (seed ${o.seed})`);
  out.say(`a failed attempt is nak'd with a ${nakDelayMs} ms delay before its redelivery`);
  out.say(`one consumer per partition, max_ack_pending ${o.maxAckPending}${o.maxAckPending === 1 ? '' : ' (--max-ack-pending; the lesson uses 1)'}`);
  const common = { mode: 'partitioned', partitions: 10, events, plan, nakDelayMs, ackWaitMs: o.ackWaitMs } as const;
  const load = await runExperiment(nats, { ...common, maxAckPending: o.maxAckPending });
  out.table(partitionTable(load.log, 10));
  const ooo = load.log.outOfOrderUsers(load.published);
  const naks = load.log.attempts.filter((a) => a.outcome === 'nak').length;
  const overtakes = load.log.overtakes(load.published).length;
  const verdict = `${users.length - ooo.length}/${users.length} users processed in publish order, despite ${naks} failed attempts`;
  (ooo.length === 0 ? out.ok : out.bad)(`${verdict}; ${overtakes} overtakes`);
  if (ooo.length > 0) reportReorders(out, load.log, load.published, ooo);
  const { busyMs, wallMs } = load.log;
  const speedup = `${ms(busyMs)} ms of work done in ${ms(wallMs)} ms (${(busyMs / wallMs).toFixed(1)}x)`;
  out.ok(`partitions ran in parallel: up to ${load.log.maxConcurrent} handlers at once; ${speedup}`);
  if (o.maxAckPending !== 1) return;

  out.say('');
  out.say('Same plan, same partitions, but the consumers keep the default max_ack_pending (1000) and fetch 10 at a time:');
  const loose = await runExperiment(nats, { ...common, maxAckPending: null, batch: 10 });
  const looseOoo = loose.log.outOfOrderUsers(loose.published);
  out.bad(`${looseOoo.length}/${users.length} users out of order: a nak'd event waits for its redelivery while the next event of the same user is processed`);
  if (looseOoo[0] !== undefined) out.say(`  e.g. user ${looseOoo[0]}: ${loose.log.processedOrder(looseOoo[0]).map(short).join(' -> ')}`);
  out.say('One worker per partition is not enough: the retry is what reorders. max_ack_pending 1 holds the partition until the head is acked.');
}

/** "U100-O1:paid" -> "O1 paid". */
const short = (label: string) => label.replace(/^U\d+-/, '').replace(':', ' ');

/** "user 100: event 3 (shipped) processed before event 2 (paid)", for the first few users. */
function reportReorders(out: Output, log: ProcessingLog, published: OrderEventMsg[], users: number[]): void {
  for (const u of users.slice(0, 3)) {
    const expected = published.filter((e) => e.userId === u).map((e) => `${e.orderId}:${e.event}`);
    const got = log.processedOrder(u);
    const i = got.findIndex((l, k) => l !== expected[k]);
    const early = expected.indexOf(got[i]);
    const what = `event ${early + 1} (${short(got[i])}) processed before event ${i + 1} (${short(expected[i])})`;
    out.say(`  user ${u}: ${what}: ${got.map(short).join(' -> ')}`);
  }
}
