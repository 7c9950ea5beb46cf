// `pnpm --filter 09-http-api serve`: run the message service until Ctrl-C.
// It finds NATS like every lesson does, makes sure lesson 09's stream exists and listens on
// loopback. The stream stays when the server stops: it holds the messages the service accepted
// (`pnpm reset` removes it).
import { ordersStreamConfig, resolveNats, runMain } from '@mq/shared';
import { DEFAULT_BODY_LIMIT } from '../api';
import { startService } from '../service';
import { LESSON_STREAM, scope } from '../setup';
import { parseServerArgs } from '../cli-args';

runMain(async () => {
  const args = parseServerArgs(process.argv.slice(2));
  const nats = await resolveNats();
  console.log(nats.description);
  if (nats.source === 'private' || nats.source === 'container') {
    console.log(
      'note: that NATS server was started for this process alone and stops with it; for the workshop, ' +
        'run one shared server (`docker compose up -d nats`) or give every terminal the same NATS_URL',
    );
  }
  try {
    const svc = await startService({
      natsUrl: nats.url,
      host: args.host,
      port: args.port,
      stream: args.stream,
      createWith: ordersStreamConfig({ name: args.stream, subjects: args.subjects }),
      log: (line) => console.log(`  ${line}`),
    });
    const whose = args.stream === LESSON_STREAM ? scope.label('ORDERS') : `stream ${args.stream}`;
    console.log(`${whose} captures ${svc.backend.subjects.join(', ')}: only those subjects may be published`);
    console.log(`listening on ${svc.url} (body limit ${DEFAULT_BODY_LIMIT / 1024} KiB)`);
    if (!['127.0.0.1', '::1', 'localhost'].includes(args.host)) {
      console.log(`⚠ listening on ${args.host}: anyone who can reach this machine can publish; this API has no authentication`);
    }
    console.log('Ctrl-C to stop');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    console.log(`stopping: finishing in-flight requests; ${args.stream} stays with its messages (pnpm reset removes it)`);
    await svc.close();
  } finally {
    await nats.close();
  }
});
