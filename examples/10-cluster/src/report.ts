// What the demo prints after the scene, one function per step: the checker's verdict over every
// publish attempt, what the consumer did across the kill, and the killed node's catch-up. Kept
// apart from main.ts so that main.ts reads as the list of steps.
import type { Output } from '@mq/shared';
import type { FailoverReport } from './failover';

export function printVerdict(out: Output, r: FailoverReport): void {
  const v = r.verdict;
  out.step('The checker (Jepsen style: every attempt is ok, failed or unknown)');
  out.table([
    { outcome: 'ok', attempts: v.attempts.ok, meaning: 'PubAck received: the cluster promised to keep it' },
    { outcome: 'failed', attempts: v.attempts.failed, meaning: 'definitely not stored (no stream leader answered)' },
    { outcome: 'unknown', attempts: v.attempts.unknown, meaning: 'timed out: may or may not have landed' },
  ]);
  out.say(`${r.inFlightAtKill} publishes were in flight at the kill; ${v.attempts.unknown} attempts in all ended "unknown". Every order was retried`);
  out.say(`with its Nats-Msg-Id until acked; for ${v.unknownLanded} of the unknown ones the retry was answered "duplicate" (it had landed after all).`);
  out.table([
    { check: 'acknowledged orders', value: v.acked },
    { check: 'stored in ORDERS after the failover', value: r.stored.length },
    { check: 'acknowledged but missing (lost)', value: v.lostAcked.length },
    { check: 'stored twice', value: v.duplicatesInStream.length },
    { check: '"failed" attempts that were stored anyway', value: v.failedButStored.length },
  ]);
  const verdict = `${v.lostAcked.length} acknowledged orders lost, ${v.duplicatesInStream.length} duplicates: ${v.valid ? 'valid' : 'INVALID'}`;
  (v.valid ? out.ok : out.bad)(verdict);
  const leader = `the observer saw leader ${r.newLeader} after ${r.electionMs} ms`;
  out.say(`failover as the shop saw it: first PubAck ${r.firstAckAfterKillMs} ms after the kill; ${leader}`);
}

export function printConsumer(out: Output, r: FailoverReport, version: string): void {
  out.step('The consumer continued');
  const acked = new Set(r.history.filter((a) => a.outcome === 'ok').map((a) => a.id));
  const processed = new Set(r.worker.processedIds);
  const missed = [...acked].filter((id) => !processed.has(id)).length;
  out.table([
    {
      processed: processed.size,
      'after the kill': r.worker.processedAfterKill,
      redeliveries: r.worker.repeats,
      'errors ridden through': r.worker.errors,
      'acked but not processed': missed,
    },
  ]);
  (missed === 0 ? out.ok : out.bad)(`the email worker processed every acknowledged order; nobody restarted it`);
  const back = r.worker.confirmedThenRedelivered;
  const some = back.length ? `: ${back.slice(0, 5).join(', ')}${back.length > 5 ? ', ...' : ''} (among the redeliveries above)` : '';
  out.say(`acks the cluster had confirmed, delivered again after the kill (nats-server ${version}): ${back.length}${some}`);
}

export function printCatchUp(out: Output, r: FailoverReport): void {
  out.step(`The killed node ${r.killed} came back and caught up`);
  out.table(r.replicasAfter.map((p) => ({ replica: p.name, current: p.current, lag: p.lag ?? 0, 'last seen (ms ago)': Math.round(p.active / 1e6) })));
  const own = `${r.killed}'s own /jsz reports ORDERS with ${r.restartedNodeMessages} messages (stream has ${r.stored.length})`;
  out.say(`${own}; caught up ${r.caughtUpMs} ms after its restart`);
  const rejoined = r.replicasAfter.find((p) => p.name === r.killed);
  (rejoined?.current && !rejoined.lag ? out.ok : out.bad)(`${r.killed} is a current replica again, lag 0`);
}
