// `pnpm --filter 07-dlq redrive`: replay lesson 07's dead letters on the server resolveNats() finds,
// after the fault that killed them is fixed. Lists them first; --dry-run stops there; --purge
// removes the DLQ the demo left behind.
import { connectNats, createOutput, deleteStreamIfExists, intFlag, parseFlags, resolveNats, runMain, UsageError } from '@mq/shared';
import { clip } from '../demo-context';
import { redrive, type Redriven } from '../redrive';
import { DLQ_STREAM, scope } from '../setup';

const USAGE = `Usage: pnpm --filter 07-dlq redrive [-- options]

Republishes dead letters from ${scope.label('DLQ')} to their original subjects, then removes them.

  --subject <s>   only dead letters of this original subject (e.g. ${scope.subject('order.email')})
  --limit <n>     at most n dead letters
  --dry-run       list them, change nothing
  --purge         delete the whole DLQ stream (what the demo leaves behind), redrive nothing
  -h, --help      this text`;

runMain(async () => {
  const flags = parseFlags(USAGE, { subject: { type: 'string' }, limit: { type: 'string' }, 'dry-run': { type: 'boolean' }, purge: { type: 'boolean' } });
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
    if (flags.purge) {
      await deleteStreamIfExists(nats.jsm, DLQ_STREAM);
      out.ok(`${scope.label('DLQ')} deleted, with every dead letter in it.`);
      return;
    }
    const dryRun = flags['dry-run'] ?? false;
    let done: Redriven[];
    try {
      done = await redrive(nats, { subject: flags.subject, limit, dryRun });
    } catch (err) {
      // Typically: the demo removed L07_ORDERS, so nothing captures the original subject.
      out.bad(`redrive stopped: ${(err as Error).message} What was not republished stays in ${DLQ_STREAM}.`);
      process.exitCode = 1;
      return;
    }
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
        'last error': clip(r.letter.error, 60),
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
