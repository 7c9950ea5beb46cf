// Flags and environment of the two programs a learner runs by hand (serve and consume), parsed in
// one place so that a typo is a usage message and exit code 2, never a silently different experiment.
import { intFlag, parseFlags, rateValue, UsageError, validateConsumerName } from '@mq/shared';
import { DEFAULT_HOST, DEFAULT_PORT } from './service';
import { DEFAULT_GROUP, LESSON_STREAM, LESSON_SUBJECTS } from './setup';

export const SERVER_USAGE = `usage: pnpm --filter 09-http-api serve [-- --host ${DEFAULT_HOST}] [--port ${DEFAULT_PORT}] [--stream ${LESSON_STREAM}] [--subjects '${LESSON_SUBJECTS}']
  --host       interface to listen on (env HOST; default ${DEFAULT_HOST}, loopback only)
  --port       TCP port (env PORT; default ${DEFAULT_PORT}; 0 = any free port)
  --stream     the JetStream stream to publish to (default ${LESSON_STREAM}, lesson 09's copy of the story's ORDERS;
               created with the story's config if missing, and left in place on Ctrl-C: it holds the service's data)
  --subjects   comma-separated subjects for a stream this run creates (default ${LESSON_SUBJECTS}); an existing
               stream keeps its own subjects, and those decide what may be published
NATS: NATS_URL, else the local server on 4222, else a private nats-server for this process alone
(the workshop consumers need a shared one: docker compose up -d nats, or the same NATS_URL everywhere).`;

export const CONSUMER_USAGE = `usage: [FAIL_RATE=0.5] pnpm --filter 09-http-api consume [-- --group ${DEFAULT_GROUP}] [--id 1] [--stream ${LESSON_STREAM}] [--real-timings]
  --group          consumer group = the durable consumer all members share (default ${DEFAULT_GROUP})
  --id             this member's number, for the log (default 1)
  --stream         stream to consume (default ${LESSON_STREAM}; the server creates it, so start the server first)
  --real-timings   the story's nak delay and ack wait (30 s) instead of the scaled ones (or MQ_REAL_TIMINGS=1)
  FAIL_RATE        probability (0..1) that processing one delivery fails (default 0)
NATS: NATS_URL, else the local server on 4222; never a private one (it must be the server the API uses).`;

export interface ServerArgs {
  host: string;
  port: number;
  stream: string;
  subjects: string[];
}

export interface ConsumerArgs {
  group: string;
  id: number;
  stream: string;
  failRate: number;
  realTimings: boolean;
}

export function parseServerArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ServerArgs {
  const options = { host: { type: 'string' }, port: { type: 'string' }, stream: { type: 'string' }, subjects: { type: 'string' } } as const;
  const flags = parseFlags(SERVER_USAGE, options, argv);
  const host = flags.host ?? env.HOST ?? DEFAULT_HOST;
  if (!/^[A-Za-z0-9.:_-]+$/.test(host)) throw new UsageError(`--host must be a host name or IP address, got "${host}"\n\n${SERVER_USAGE}`);
  const port = intFlag('port', flags.port ?? env.PORT, DEFAULT_PORT, 0, 65_535);
  const stream = name('--stream', flags.stream ?? LESSON_STREAM, SERVER_USAGE);
  const subjects = flags.subjects === undefined ? [...LESSON_SUBJECTS] : flags.subjects.split(',').map((s) => s.trim());
  if (subjects.some((s) => !/^[A-Za-z0-9_*>-]+(\.[A-Za-z0-9_*>-]+)*$/.test(s))) {
    throw new UsageError(`--subjects must be a comma-separated list of subjects such as "order.*,payment.*", got "${flags.subjects}"\n\n${SERVER_USAGE}`);
  }
  return { host, port, stream, subjects };
}

export function parseConsumerArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ConsumerArgs {
  const options = {
    group: { type: 'string' },
    id: { type: 'string' },
    stream: { type: 'string' },
    'real-timings': { type: 'boolean' },
  } as const;
  const flags = parseFlags(CONSUMER_USAGE, options, argv);
  return {
    group: name('--group', flags.group ?? DEFAULT_GROUP, CONSUMER_USAGE),
    id: intFlag('id', flags.id, 1, 1, 1_000_000),
    stream: name('--stream', flags.stream ?? LESSON_STREAM, CONSUMER_USAGE),
    failRate: rateValue('FAIL_RATE', env.FAIL_RATE, 0),
    realTimings: flags['real-timings'] ?? env.MQ_REAL_TIMINGS === '1',
  };
}

/** Stream and group names become JetStream API subject tokens: no dots, wildcards or spaces (and the API's name pattern). */
function name(what: string, value: string, usage: string): string {
  try {
    validateConsumerName(value, what);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${usage}`);
  }
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) throw new UsageError(`${what} must be 1-64 letters, digits, "-" or "_", got "${value}"\n\n${usage}`);
  return value;
}
