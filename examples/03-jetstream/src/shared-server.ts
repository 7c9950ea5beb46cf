// Why this file exists: the demo runs on whatever server resolveNats() finds, usually the local one
// on 4222 that other lessons (and other people) use too. Two things go wrong there and deserve a
// clear sentence instead of a bare error: the server cannot reserve ORDERS' 10 GiB (10047), or
// another run of this demo deletes/recreates L03_ORDERS meanwhile. And the demo must only clean
// up the L03_ORDERS it created itself.
import { isApiError } from '@mq/shared';
import type { JetStreamManager } from '@nats-io/jetstream';
import { STREAM } from './setup';

export async function storageHint(jsm: JetStreamManager, url: string): Promise<string> {
  const others: string[] = [];
  for await (const s of jsm.streams.list()) {
    if (s.config.max_bytes > 0) others.push(`${s.config.name} ${(s.config.max_bytes / 2 ** 30).toFixed(1)} GiB`);
  }
  return (
    `the server at ${url} cannot reserve the 10 GiB that ${STREAM}'s max_bytes asks for (JetStream error 10047). ` +
    `Streams already holding reservations: ${others.join(', ') || 'none'}. ` +
    'Delete streams you no longer need (`pnpm reset` removes every lesson\'s), or point NATS_URL at another server.'
  );
}

/** When L03_ORDERS was created (its identity), or undefined if it does not exist. */
export async function ordersCreated(jsm: JetStreamManager): Promise<string | undefined> {
  try {
    return (await jsm.streams.info(STREAM)).created;
  } catch (err) {
    if (isApiError(err, 10059)) return undefined;
    throw err;
  }
}

/** A sentence if the L03_ORDERS stream this run created is gone or was replaced by someone else. */
export async function replacedBySomeoneElse(jsm: JetStreamManager, ours: string | undefined): Promise<string | undefined> {
  const now = await ordersCreated(jsm).catch(() => ours);
  if (ours === undefined || now === ours) return undefined;
  const what = now === undefined ? 'deleted' : 'recreated';
  return `another program ${what} ${STREAM} on this server while the demo ran (a second run of this demo, or \`pnpm reset\`?); run it again when the server is free, or set NATS_URL to a server of your own`;
}
