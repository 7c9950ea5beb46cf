// The narrated demo of lesson 07: a poison message retried with a delay and then dead-lettered by
// the business layer; a malformed payload dead-lettered at once; the server's max-deliveries
// advisory as the safety net for a worker with no DLQ code; and a redrive once the faults are fixed.
// It leaves its DLQ behind on purpose (for `redrive`), and says how to remove it.
import { cleanupOnExit, connectNats, createOutput, createShop, parseFlags, resolveNats, runMain, timings, type PullWorker } from '@mq/shared';
import { listDeadLetters } from './dead-letter';
import type { DemoContext } from './demo-context';
import { Refusals } from './handler';
import { sceneAdvisory } from './scene-advisory';
import { sceneBusinessDlq } from './scene-business-dlq';
import { sceneDlqSubject } from './scene-dlq-subject';
import { sceneRedrive } from './scene-redrive';
import { sceneSeedNak } from './scene-seed-nak';
import { sceneTermReason } from './scene-term-reason';
import { scope, teardown } from './setup';

const USAGE = `Usage: pnpm --filter 07-dlq start [-- options]

  --real-timings    the story's own durations (nak delay 30 s, AckWait 30 s)
  --cleanup         remove everything lesson 07 left on the server (its DLQ too), then exit
  -h, --help        this text`;

runMain(async () => {
  const flags = parseFlags(USAGE, { 'real-timings': { type: 'boolean' }, cleanup: { type: 'boolean' } });
  const t = timings();
  const out = createOutput();
  const started = performance.now();

  out.chapter('07-dlq', 'Retry, then dead-letter: nothing lost, nothing retried forever', '#07-dlq');
  const service = await resolveNats();
  out.say(service.description);
  const nats = await connectNats(service.url, { name: '07-dlq' });
  if (flags.cleanup) {
    await teardown(nats.jsm);
    out.ok(`removed lesson 07's streams (${scope.stream('*')}), its DLQ included`);
    await nats.close();
    await service.close();
    return;
  }
  const workers: PullWorker[] = [];
  let keepDlq = false;
  const done = cleanupOnExit(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await teardown(nats.jsm, { keepDlq });
    await nats.close();
    await service.close();
  });
  const ctx: DemoContext = {
    nats,
    out,
    nakDelayMs: t.get('nakDelayMs'),
    nakDelayNote: t.describe('nakDelayMs'),
    maxDeliveries: t.get('maxDeliver'),
    ackWaitMs: t.get('ackWaitMs'),
    shop: createShop(t.real ? {} : { email: 50, push: 20 }),
    relay: new Refusals<string>().refuse('vip@mail.invalid', '550 5.1.2 mail.invalid: no MX record for the domain'),
    apns: new Refusals<number>().refuse(1003, '410 Unregistered: device token no longer valid'),
    workers,
  };
  try {
    await sceneDlqSubject(ctx);
    await sceneSeedNak(ctx);
    await sceneBusinessDlq(ctx);
    await sceneAdvisory(ctx);
    await sceneTermReason(ctx);
    await sceneRedrive(ctx);
    keepDlq = service.source !== 'private';
  } finally {
    await done();
  }
  out.say('');
  if (keepDlq) {
    const n = (await countLeft(service.url)) ?? 'its';
    out.say(`Left on purpose: ${scope.label('DLQ')} with ${n} dead letter(s), for \`pnpm --filter 07-dlq redrive -- --dry-run\`.`);
    out.say('Everything else of lesson 07 is removed. Remove the DLQ with `pnpm --filter 07-dlq redrive -- --purge`');
    out.say('(or `pnpm --filter 07-dlq start -- --cleanup`, or `pnpm reset` for every lesson).');
  }
  out.say(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
});

async function countLeft(url: string): Promise<number | undefined> {
  const nats = await connectNats(url, { name: '07-dlq' });
  try {
    return (await listDeadLetters(nats.jsm)).length;
  } catch {
    return undefined;
  } finally {
    await nats.close();
  }
}
