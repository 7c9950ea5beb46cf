// The story's drill: 1,000 tasks and an untouched durable, then both brokers (NATS and the Redis
// list) stopped gracefully and then SIGKILLed, each time down for the outage and back on the same store.
import { connectNats } from '@mq/shared';
import { PrivateNatsServer, PrivateRedisServer } from '@mq/shared/services';
import type { BrokerState } from './broker-state';
import { ConnectionWatch } from './connection-watch';
import { serverVersion, type DrillContext } from './drill-context';
import { prepareDrill, runDrill, type DrillSetup } from './drill';
import { OUTAGE_LABEL, type DownProbe } from './outage';
import { redisDrill } from './redis-drill';
import { storeFiles } from './store-files';

const stateRow = (when: string, s: BrokerState) => ({
  when,
  messages: s.messages,
  bytes: s.bytes,
  first_seq: s.firstSeq,
  last_seq: s.lastSeq,
  'consumer pending': s.pending,
  delivered: s.delivered,
  'ack pending': s.ackPending,
});

/** Returns the drill's server and its set-up, which the worker scene goes on using. */
export async function sceneDrill(ctx: DrillContext): Promise<{ server: PrivateNatsServer; setup: DrillSetup }> {
  const { out, count, outageMs } = ctx;
  out.step('A broker this drill owns');
  const server = await PrivateNatsServer.start();
  ctx.servers.push(server);
  out.say(`NATS: ${server.url} (a private nats-server ${serverVersion(server)} started for this drill, never your local one: ` +
    'the drill stops and SIGKILLs it)');
  out.say(`store directory: ${server.storeDir}`);
  const nats = await connectNats(server.url, { name: 'drill' });
  ctx.conns.push(nats);
  const watch = new ConnectionWatch(nats.nc);

  out.step(`Publish ${count} email tasks, each with a PubAck (seed: nats pub order.email --count 1000)`);
  const setup = await prepareDrill(nats, count, { ackWaitMs: ctx.ackWaitMs });
  out.say('The durable email-worker exists but has consumed nothing yet.');
  out.table([stateRow('after publishing', setup.state)]);

  const redis = await PrivateRedisServer.start();
  ctx.servers.push(redis);
  out.say(`Redis: ${redis.url} (a private redis-server with persistence off, as the story ran it in chapter 02)`);
  for (const mode of ['stop', 'kill'] as const) {
    out.step(`${mode === 'stop' ? 'Stop' : 'Crash'} both brokers: ${OUTAGE_LABEL[mode]}, ${outageMs} ms down, restart`);
    out.say(`NATS restarts on the same store; the Redis list next to it gets the same treatment with ${count} tasks.`);
    const [r, rd] = await Promise.all([runDrill(server, nats, watch, { mode, outageMs }), redisDrill(redis, { count, mode, outageMs })]);
    out.table([stateRow('NATS before', r.before), stateRow('NATS after restart', r.after)]);
    const seen = (p: DownProbe, port: number) =>
      `process ${p.running ? 'STILL RUNNING' : 'gone'}, port ${port} ${p.accepting ? 'STILL ACCEPTING' : 'refusing'} connections`;
    out.say(`checked just before the restart: NATS ${seen(r.outage.probe, server.port)}; Redis ${seen(rd.outage.probe, redis.port)}`);
    const downMs = Math.round(r.outage.readyAt - r.outage.downAt);
    const restartMs = Math.round(r.outage.readyAt - r.outage.restartRequestedAt);
    const reconnectMs = Math.max(0, Math.round(r.reconnectedAt - r.outage.readyAt));
    out.say(`NATS was down ${downMs} ms; restart took ${restartMs} ms; the client reconnected by itself ${reconnectMs} ms after the server was ready`);
    const same = JSON.stringify(r.after) === JSON.stringify(r.before);
    (same ? out.ok : out.bad)(`NATS: ${r.after.messages} of ${count} messages back, consumer pending ${r.after.pending}, delivered ${r.after.delivered}`);
    (rd.after === rd.before ? out.ok : out.bad)(`Redis: LLEN task:email was ${rd.before}, after the restart it is ${rd.after}`);
    const how = mode === 'stop' ? 'graceful stop' : 'SIGKILL';
    ctx.summary.push({ scene: `NATS, ${how}`, result: `${r.after.messages} of ${count} messages, consumer pending ${r.after.pending}` });
    ctx.summary.push({ scene: `Redis list, ${how}`, result: `${rd.after} of ${rd.before} tasks` });
  }
  out.say('What is on disk (no wal/ directory: messages go straight into block files):');
  for (const f of storeFiles(server.storeDir, setup.stream)) out.say(`  ${f}`);
  return { server, setup };
}
