// Scene 3: core NATS. Plain subscribers each get every message, a queue group's members share
// them; nothing is stored, so only subscribers connected at publish time receive anything.
import { CORE_FANOUT, CORE_MEMBERS, QUEUE_GROUP, startCoreModes } from './core-modes';
import { distributionTable, type Distribution } from './distribution';
import { SCOPE } from './names';
import { shareRows, verdict } from './report';
import type { SceneContext } from './scene-context';

export async function coreModes(c: SceneContext): Promise<void> {
  const { out, nats, connect, burst } = c;
  out.step('Core NATS: plain subscribers vs a queue group, 4 messages');
  const core = await startCoreModes({ nats, connect, subject: SCOPE.subject('modes.core') });
  let coreBig: Distribution;
  try {
    const four = await core.round(4);
    out.say(`${CORE_FANOUT.join(', ')}: plain subscribe(); ${CORE_MEMBERS.join(', ')}: subscribe(subject, { queue: '${QUEUE_GROUP}' }).`);
    out.table(distributionTable(four, [...CORE_FANOUT, ...CORE_MEMBERS]));
    verdict(out, four, [...CORE_FANOUT], [...CORE_MEMBERS]);
    out.say('The server picks a random group member per message: with 4 messages one member gets all four about 1 run in 8.');
    coreBig = await core.round(burst);
  } finally {
    await core.stop();
  }
  out.say('');
  out.say(`Core NATS, a burst of ${burst}:`);
  out.table(shareRows(coreBig, [...CORE_FANOUT, ...CORE_MEMBERS], burst));
  verdict(out, coreBig, [...CORE_FANOUT], [...CORE_MEMBERS]);
  out.say('No stream, no ack: a subscriber that was not connected at publish time never sees the message.');
}
