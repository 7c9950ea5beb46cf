// `pnpm --filter 07-dlq redrive`: replay the dead letters on the server resolveNats() finds, after
// the fault that killed them is fixed. Lists them first; --dry-run stops there.
import { connectNats, createOutput, intFlag, parseFlags, resolveNats, runMain, UsageError } from '@mq/shared';
import { redrive } from './dlq-redrive';
import { DLQ_STREAM } from './topology';

const USAGE = `Usage: pnpm --filter 07-dlq redrive [-- options]

Republishes dead letters from the ${DLQ_STREAM} stream to their original subjects, then removes them.

  --subject <s>   only dead letters of this original subject (e.g. order.email)
  --limit <n>     at most n dead letters
  --dry-run       list them, change nothing
  -h, --help      this text`;

runMain(async () => {
  const flags = parseFlags(USAGE, { subject: { type: 'string' }, limit: { type: 'string' }, 'dry-run': { type: 'boolean' } });
  let limit: number;
  try {
    limit = intFlag('limit', flags.limit, 1_000_000, 1, 1_000_000);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${USAGE}`); // intFlag's message alone lacks the usage
  }
  const out = createOutput();
  const service = await resolveNats();
  out.say(service.description);
  const nats = await connectNats(service.url, { name: '07-dlq-redrive' });
  try {
    const dryRun = flags['dry-run'] ?? false;
    const done = await redrive(nats, { subject: flags.subject, limit, dryRun });
    if (done.length === 0) {
      out.say(`No dead letters${flags.subject ? ` for ${flags.subject}` : ''} in ${DLQ_STREAM}.`);
      return;
    }
    out.table(
      done.map((r) => ({
        'dlq seq': r.letter.dlqSeq,
        'original subject': r.letter.original.subject,
        'original seq': r.letter.original.seq,
        deliveries: r.letter.deliveries,
        reason: r.letter.reason,
        'last error': r.letter.error.slice(0, 60),
        ...(dryRun ? {} : { 'now at': `${r.stream} seq ${r.seq}${r.duplicate ? ' (duplicate, dropped)' : ''}` }),
      })),
    );
    if (dryRun) out.say(`${done.length} dead letter(s) would be redriven (--dry-run: nothing changed).`);
    else out.ok(`${done.length} dead letter(s) republished to their original subjects and removed from ${DLQ_STREAM}.`);
  } finally {
    await nats.close();
    await service.close();
  }
});
