// pnpm console: the live page of what the lessons run on the default servers (or on NATS_URL,
// REDIS_URL, DATABASE_URL). Start it, open the printed address, then run any lesson in another
// terminal: its workers show up as they fetch, ack, nak and term.
import { DEFAULTS, defaultNatsUrl, defaultPostgresUrl, defaultRedisUrl, intFlag, parseFlags, runMain } from '@mq/shared';
import { startConsole } from '../server';

const USAGE = `Usage: pnpm console [-- options]

  --port N           where the page is served (default 4300)
  --host ADDR        the address to bind (default 127.0.0.1: only this machine can open it)
  --allow-actions    enable the two writes: redrive a dead letter, reset every lesson's streams and keys
  --interval-ms N    how often the servers are polled (default 500)
  --monitor-url URL  nats-server's monitoring endpoint (default http://127.0.0.1:${DEFAULTS.nats.monitorPort}, if it answers)
  --no-redis, --no-postgres   leave that panel out

Servers: NATS_URL, REDIS_URL, DATABASE_URL, else the default local ports.
Read-only by default: it never acks, consumes or deletes anything unless --allow-actions is given.`;

runMain(async () => {
  const f = parseFlags(USAGE, {
    port: { type: 'string' },
    host: { type: 'string' },
    'allow-actions': { type: 'boolean' },
    'interval-ms': { type: 'string' },
    'monitor-url': { type: 'string' },
    'no-redis': { type: 'boolean' },
    'no-postgres': { type: 'boolean' },
  });
  const natsUrl = process.env.NATS_URL ?? defaultNatsUrl;
  const monitorUrl = f['monitor-url'] ?? (await answers(`http://127.0.0.1:${DEFAULTS.nats.monitorPort}/varz`));
  let c;
  try {
    c = await startConsole({
      natsUrl,
      redisUrl: f['no-redis'] ? undefined : (process.env.REDIS_URL ?? defaultRedisUrl),
      databaseUrl: f['no-postgres'] ? undefined : (process.env.DATABASE_URL ?? defaultPostgresUrl),
      monitorUrl,
      host: f.host ?? '127.0.0.1',
      port: intFlag('port', f.port, 4300, 0, 65_535, USAGE),
      allowActions: f['allow-actions'] === true,
      intervalMs: intFlag('interval-ms', f['interval-ms'], 500, 100, 60_000, USAGE),
    });
  } catch (err) {
    throw new Error(`the console could not reach NATS at ${natsUrl} (${(err as Error).message}): start it with \`docker compose up -d nats\`, or point NATS_URL at your server.`);
  }
  console.log(`mq console: ${c.url}   (NATS ${natsUrl}${monitorUrl ? `, monitoring ${monitorUrl}` : ', no monitoring endpoint'})`);
  console.log(f['allow-actions'] ? 'actions ENABLED: the page can redrive dead letters and reset lesson state' : 'read-only (start with --allow-actions to redrive or reset)');
  if (f.host && f.host !== '127.0.0.1' && f.host !== 'localhost') console.log(`bound to ${f.host}: other machines can open this page`);
  console.log('Run any lesson in another terminal; Ctrl-C stops the console.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await c.close();
});

async function answers(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(500) });
    return res.ok ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
}
