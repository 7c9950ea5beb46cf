// The command lines of the two workshop scripts (src/cli/worker.ts, src/cli/publish.ts): flags,
// defaults, checks and usage text, apart from the scripts so the tests can check them without a
// process. By hand, AckWait defaults to the story's 30 s: long enough to kill a hung worker before
// its messages come back (the demo's scaled 1 s would redeliver them before you finished typing).
import { intFlag, parseFlags, rateValue, realTimingsRequested, STORY, STORY_LATENCY_MS, timings, UsageError, validateConsumerName } from '@mq/shared';
import { DEFAULT_STREAM, DEFAULT_SUBJECT, RETENTIONS, type Retention } from './setup';
import { withUsage } from './usage';

const RETENTION_HELP = `--retention KIND    if this script creates the stream: workqueue (default: one group per subject), interest or
                      limits (several groups, each gets every order)`;

function retentionFlag(value: string | undefined): Retention {
  if (value === undefined) return 'workqueue';
  if (!RETENTIONS.includes(value as Retention)) throw new UsageError(`--retention must be one of ${RETENTIONS.join(', ')}, got "${value}"`);
  return value as Retention;
}

export const WORKER_USAGE = `Usage: pnpm --filter 04-queue-groups worker -- [options]

  --group NAME        the queue group = the ONE durable consumer all its workers share (default order-processor)
  --id ID             this worker's label in the output (default 1)
  --stream NAME       stream to read (default ${DEFAULT_STREAM}, lesson 04's ORDERS; created with the story's settings if missing)
  --subject SUBJECT   subject the group consumes (default ${DEFAULT_SUBJECT})
  ${RETENTION_HELP}
  --batch N           messages per fetch; small batches share fairly (default 1)
  --work-ms N         how long "sending the email" takes per message (default ${STORY_LATENCY_MS.email}, the story's email call)
  --ack-wait-ms N     AckWait if this worker creates the group (default ${STORY.ackWaitMs}, the story's: time to kill -9 a hung worker)
  --nak-delay-ms N    redelivery delay after a failed email (default 500 scaled, ${STORY.nakDelayMs} with --real-timings)
  --stall-after N     after N messages, hang on the next email call forever (a dead SMTP connection):
                      the worker holds its batch unacked; kill it (kill -9 <pid>) and watch the others
  --url URL           NATS server (default: $NATS_URL, else nats://127.0.0.1:4222; never a private one)
  --real-timings      the story's nak delay too (${STORY.nakDelayMs} ms)

Environment: FAIL_RATE=0..1 share of deliveries whose email fails (nak with delay, retried, printed);
             MQ_REAL_TIMINGS=1 does what --real-timings does.
Stop with Ctrl-C: the worker finishes the message in hand, then leaves.`;

export function workerConfig(argv: string[], env: NodeJS.ProcessEnv = process.env) {
  return withUsage(WORKER_USAGE, () => workerFlags(argv, env));
}

function workerFlags(argv: string[], env: NodeJS.ProcessEnv) {
  const f = parseFlags(
    WORKER_USAGE,
    {
      group: { type: 'string' },
      id: { type: 'string' },
      stream: { type: 'string' },
      subject: { type: 'string' },
      batch: { type: 'string' },
      'work-ms': { type: 'string' },
      'ack-wait-ms': { type: 'string' },
      'nak-delay-ms': { type: 'string' },
      'stall-after': { type: 'string' },
      retention: { type: 'string' },
      url: { type: 'string' },
      'real-timings': { type: 'boolean' },
    },
    argv,
  );
  // The flag, or MQ_REAL_TIMINGS=1 in this worker's environment (as every lesson honours it).
  const t = timings(f['real-timings'] === true || realTimingsRequested([], env));
  const subject = f.subject ?? DEFAULT_SUBJECT;
  if (!/^[^\s*>]+$/.test(subject)) throw new UsageError(`--subject must be a concrete subject such as ${DEFAULT_SUBJECT}, got "${subject}"`);
  return {
    retention: retentionFlag(f.retention),
    group: validateConsumerName(f.group ?? 'order-processor', '--group'),
    id: validateConsumerName(f.id ?? '1', '--id'),
    stream: validateConsumerName(f.stream ?? DEFAULT_STREAM, '--stream'),
    subject,
    batch: intFlag('batch', f.batch, 1, 1, 256),
    workMs: intFlag('work-ms', f['work-ms'], STORY_LATENCY_MS.email, 0, 600_000),
    ackWaitMs: intFlag('ack-wait-ms', f['ack-wait-ms'], STORY.ackWaitMs, 1, 3_600_000),
    nakDelayMs: intFlag('nak-delay-ms', f['nak-delay-ms'], t.get('nakDelayMs'), 0, 3_600_000),
    stallAfter: f['stall-after'] === undefined ? undefined : intFlag('stall-after', f['stall-after'], 0, 0),
    failRate: rateValue('FAIL_RATE', env.FAIL_RATE),
    url: f.url,
  };
}

export const PUBLISH_USAGE = `Usage: pnpm --filter 04-queue-groups run publish -- [options]   ("run": plain "pnpm publish" is pnpm's own command)

  --count N           how many orders to publish (default 10)
  --from N            number of the first order: ORD-0001 is 1 (default 1)
  --stream NAME       stream (default ${DEFAULT_STREAM}, lesson 04's ORDERS; created with the story's settings if missing)
  --subject SUBJECT   subject to publish on (default ${DEFAULT_SUBJECT})
  ${RETENTION_HELP}
  --url URL           NATS server (default: $NATS_URL, else nats://127.0.0.1:4222; never a private one)`;

export function publishConfig(argv: string[]) {
  return withUsage(PUBLISH_USAGE, () => publishFlags(argv));
}

function publishFlags(argv: string[]) {
  const f = parseFlags(
    PUBLISH_USAGE,
    { count: { type: 'string' }, from: { type: 'string' }, stream: { type: 'string' }, subject: { type: 'string' }, retention: { type: 'string' }, url: { type: 'string' } },
    argv,
  );
  const stream = validateConsumerName(f.stream ?? DEFAULT_STREAM, '--stream');
  const subject = f.subject ?? DEFAULT_SUBJECT;
  if (!/^[^\s*>]+$/.test(subject)) throw new UsageError(`--subject must be a concrete subject such as ${DEFAULT_SUBJECT}, got "${subject}"`);
  const count = intFlag('count', f.count, 10, 1, 1_000_000);
  return { count, from: intFlag('from', f.from, 1, 0), stream, subject, retention: retentionFlag(f.retention), url: f.url };
}

