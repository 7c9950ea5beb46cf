// Scene: the client API and the monitoring endpoint side by side, on a queue left in a known
// state: 10 published, 4 fetched, 2 of them acked. The numbers agree; the endpoint needs no NATS
// client, so it is what a dashboard scrapes.
import { connectNats, createOutput, ensureDurable, publishJson, makeOrder, type Output } from '@mq/shared';
import { jszStream, serverView } from './monitoring-endpoint';
import { NAMES, setupNats, teardownNats } from './setup';

export interface KnownState {
  client: { pending: number; ackPending: number; redelivered: number; ackFloor: number; messages: number; bytes: number };
  endpoint: { pending: number; ackPending: number; redelivered: number; ackFloor: number; messages: number; bytes: number };
}

export async function compareMonitorViews(url: string, monitorUrl: string, out: Output = createOutput(() => {})): Promise<KnownState> {
  const nats = await connectNats(url, { name: '12-observability-monitor' });
  try {
    await setupNats(nats.jsm, { ackWaitMs: 30_000 });
    await ensureDurable(nats.jsm, NAMES.stream, NAMES.consumer, { filterSubject: NAMES.subject, ackWaitMs: 30_000 });
    for (let n = 1; n <= 10; n++) await publishJson(nats.js, NAMES.subject, makeOrder(n));
    const consumer = await nats.js.consumers.get(NAMES.stream, NAMES.consumer);
    const got = [];
    for await (const m of await consumer.fetch({ max_messages: 4, expires: 2_000 })) {
      got.push(m);
      if (got.length === 4) break;
    }
    for (const m of got.slice(0, 2)) await m.ackAck();
    out.say(`10 orders published, 4 fetched, 2 of those acked (${got.length} in hand).`);

    const ci = await nats.jsm.consumers.info(NAMES.stream, NAMES.consumer);
    const si = await nats.jsm.streams.info(NAMES.stream);
    const jsz = await jszStream(monitorUrl, NAMES.stream);
    const jc = jsz.consumers.find((c) => c.name === NAMES.consumer);
    if (!jc) throw new Error(`/jsz does not list consumer ${NAMES.consumer}`);
    const state: KnownState = {
      client: {
        pending: ci.num_pending,
        ackPending: ci.num_ack_pending,
        redelivered: ci.num_redelivered,
        ackFloor: ci.ack_floor.stream_seq,
        messages: si.state.messages,
        bytes: si.state.bytes,
      },
      endpoint: {
        pending: jc.num_pending,
        ackPending: jc.num_ack_pending,
        redelivered: jc.num_redelivered,
        ackFloor: jc.ack_floor.stream_seq,
        messages: jsz.messages,
        bytes: jsz.bytes,
      },
    };
    const rows: [string, keyof KnownState['client'], string, string][] = [
      ['pending', 'pending', 'num_pending', 'not yet delivered: the backlog (alert > 10K)'],
      ['ack pending', 'ackPending', 'num_ack_pending', 'delivered, not acked: in hand, or lost with a dead worker until AckWait'],
      ['redelivered', 'redelivered', 'num_redelivered', 'in hand and delivered before: retries under way'],
      ['ack floor', 'ackFloor', 'ack_floor.stream_seq', 'all done up to here; stuck while one message is stuck'],
      ['stream messages', 'messages', 'state.messages', 'work-queue: only what is not acked yet'],
      ['stream bytes', 'bytes', 'state.bytes', 'against max_bytes (the story: 10 GB, discard old)'],
    ];
    out.table(rows.map(([what, k, field, why]) => ({ metric: what, 'client API': state.client[k], '/jsz': state.endpoint[k], field, 'what it tells you': why })));
    const server = await serverView(monitorUrl);
    out.say(`/varz: ${server.varz.connections} connections, ${server.varz.in_msgs} messages in, ${server.varz.out_msgs} out, ` +
      `${server.varz.slow_consumers} slow consumers, ${(server.varz.mem / 1024 / 1024).toFixed(0)} MB resident`);
    out.say(`/connz: ${server.connections.map((c) => `${c.name ?? '(unnamed)'} (${c.subscriptions} subs)`).join(', ')}`);
    for (const m of got.slice(2)) m.nak();
    return state;
  } finally {
    await teardownNats(nats.jsm);
    await nats.close();
  }
}
