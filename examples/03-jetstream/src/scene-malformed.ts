// Scene 7: a payload that cannot parse. The seed's code naks it forever (no delay, no limit);
// the corrected handler terms it on its first look.
import { waitFor } from '@mq/shared';
import type { SceneContext } from './scene-context';
import { isStored, taskSubject } from './setup';

export async function malformedPayload(c: SceneContext): Promise<void> {
  const { out, nats, log } = c;
  out.step('A malformed payload: the seed naks it forever, the corrected worker terms it');
  c.seedCode.on = true;
  const broken = (await nats.js.publish(taskSubject('send_email'), '{"orderId": "ORD-0004", "email": ')).seq;
  await waitFor(() => log.forSeq(broken).length >= 20, { timeoutMs: 5_000, what: '20 deliveries of the broken message' });
  c.seedCode.on = false;
  const spins = log.forSeq(broken).filter((d) => d.by.includes('seed'));
  const spanMs = Math.round(spins.at(-1)!.atMs - spins[0].atMs);
  out.bad(`seed's worker: seq ${broken} delivered ${spins.length} times in ${spanMs} ms, nak'd every time (no delay, no limit), still stored: ${await isStored(nats.jsm, broken)}`);
  const ended = await waitFor(() => log.forSeq(broken).find((d) => d.outcome === 'term'), { timeoutMs: 5_000, what: 'the corrected worker to term it' });
  out.ok(`back to the corrected code: it termed the message on its first look (delivery #${ended.deliveryCount}): ${ended.detail}`);
  const html = (await nats.js.publish(taskSubject('send_email'), '<html>502 Bad Gateway</html>')).seq;
  const once = await waitFor(() => log.forSeq(html).find((d) => d.outcome === 'term'), { timeoutMs: 5_000, what: 'the HTML payload to be termed' });
  out.ok(`a fresh malformed message (seq ${html}) is termed on delivery #${once.deliveryCount}: ${once.detail}`);
}
