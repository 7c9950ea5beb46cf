// Scenes 1 to 3: create lesson 03's copy of ORDERS with the story's configuration, place an order
// (two core steps in the request, three tasks published with PubAcks), and retry a publish with
// the same message id inside the duplicate window.
import { makeOrder, publishJson, STORY_LATENCY_MS } from '@mq/shared';
import { placeOrder, taskMsgId } from './publisher';
import type { SceneContext } from './scene-context';
import { streamConfig, storedCount, STREAM_LABEL, TASK_WORKERS } from './setup';

export function showStream(c: SceneContext, deletedOld: boolean): void {
  const { out, t } = c;
  out.step(`Create the ORDERS stream with the story's configuration: ${STREAM_LABEL}`);
  out.say(deletedOld ? 'An earlier run left lesson 03\'s copy behind: deleted it and created it anew, so this run starts from sequence 1.' : 'Created it.');
  const cfg = streamConfig();
  out.table([
    { setting: 'subjects', value: cfg.subjects!.join(', ') },
    { setting: 'storage', value: `${cfg.storage} (survives a restart)` },
    { setting: 'retention', value: `${cfg.retention} (an acked message is deleted)` },
    { setting: 'max age / max bytes', value: '7 days / 10 GiB, discard old' },
    { setting: 'duplicate window', value: '1 min (same Nats-Msg-Id inside it = dropped)' },
  ]);
  out.table(Object.values(TASK_WORKERS).map((w) => ({ durable: w.consumer, filter: w.subject, ack: 'explicit', 'ack wait': t.describe('ackWaitMs') })));
  out.say('A work-queue stream lets each subject have one consumer only, so each worker filters on its own task.');
}

export async function placeFirstOrder(c: SceneContext): Promise<void> {
  const { out, nats, shop } = c;
  out.step('Place an order: two core steps in the request, three tasks published');
  const first = await placeOrder({ js: nats.js, shop }, makeOrder(1));
  out.table(first.published.map((p) => ({ task: p.type, subject: p.subject, 'msg id': p.msgId, 'PubAck stream': p.stream, 'PubAck seq': p.seq, duplicate: p.duplicate })));
  const sync = Object.values(STORY_LATENCY_MS).reduce((a, b) => a + b, 0);
  out.ok(`order ${first.orderId} answered in ${Math.round(first.totalMs)} ms: core steps ${Math.round(first.coreMs)} ms (50 + 100), publishing 3 tasks ${first.publishMs.toFixed(1)} ms`);
  out.say(`(the synchronous version waited for all five services: ${sync} ms)`);

  out.step('The producer retries a publish (no PubAck seen): same message id, inside the window');
  const email1 = first.published[0];
  const payload = { orderId: first.orderId, email: makeOrder(1).email, subject: 'Order confirmation' };
  const retry = await publishJson(nats.js, email1.subject, payload, { msgID: taskMsgId(first.orderId, 'send_email') });
  out.table([{ publish: 'original', seq: email1.seq, duplicate: email1.duplicate }, { publish: 'retry', seq: retry.seq, duplicate: retry.duplicate }]);
  out.ok(`PubAck says duplicate: ${retry.duplicate}; the stream still holds ${await storedCount(nats.jsm)} messages, not 4`);
}
