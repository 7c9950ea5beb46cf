// Scenes 1 and 2: JetStream. Two fan-out durables and one durable shared by two members, first 4
// messages (seed 003's table), then a burst; on a limits stream the acks delete nothing.
import { deleteStreamIfExists, type Nats } from '@mq/shared';
import { distributionTable, type Distribution } from './distribution';
import { FANOUT, MEMBERS, QUEUE_DURABLE, startJetStreamModes } from './jetstream-modes';
import { STREAM, SUBJECT } from './names';
import { shareRows, verdict } from './report';
import type { SceneContext } from './scene-context';

export async function jetStreamModes(c: SceneContext): Promise<void> {
  const { out, nats, connect, burst, t } = c;
  out.step('JetStream: 4 messages, two fan-out durables and one shared durable with two members');
  const existed = await streamExists(nats, STREAM);
  await deleteStreamIfExists(nats.jsm, STREAM);
  const js = await startJetStreamModes({ nats, connect, stream: STREAM, subject: SUBJECT, ackWaitMs: t.get('ackWaitMs') });
  const what = `${STREAM}, lesson 05's own stream (limits retention, subject ${SUBJECT})`;
  out.say(`${existed ? `Deleted the copy an earlier run left and created` : 'Created'} ${what}.`);
  out.say(`Durables: ${FANOUT.join(', ')} (one per subscriber) and ${QUEUE_DURABLE} (shared by ${MEMBERS.join(' and ')}, each pulling 1 at a time).`);
  let big: Distribution;
  try {
    const four = await js.round(4);
    out.table(distributionTable(four, [...FANOUT, ...MEMBERS]));
    verdict(out, four, [...FANOUT], [...MEMBERS]);
    out.say('A 2/2 split is typical, not guaranteed: each message goes to whichever member has a pull request waiting.');

    out.step(`JetStream: a burst of ${burst} messages`);
    big = await js.round(burst);
  } finally {
    await js.stop();
  }
  out.table(shareRows(big, [...FANOUT, ...MEMBERS], burst));
  verdict(out, big, [...FANOUT], [...MEMBERS]);
  const info = await nats.jsm.streams.info(STREAM);
  out.say(`Limits retention: acks do not delete. ${STREAM} still holds ${info.state.messages} messages, so a new durable could replay them all.`);
}

async function streamExists(nats: Nats, name: string): Promise<boolean> {
  return nats.jsm.streams.info(name).then(
    () => true,
    () => false,
  );
}
