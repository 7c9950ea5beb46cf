// Why this file exists: the demo runs on whatever server resolveNats() finds, usually the local one
// on 4222 that other lessons (and other people) use too. Two things go wrong there and deserve a
// clear sentence instead of a bare error: the server cannot reserve ORDERS' 10 GiB (10047), or
// another program deletes/recreates ORDERS while the demo runs. And the demo must only clean up
// the ORDERS it created itself.
import { isApiError, ORDERS } from '@mq/shared';
import type { JetStreamManager } from '@nats-io/jetstream';

export async function storageHint(jsm: JetStreamManager, url: string): Promise<string> {
  const others: string[] = [];
  for await (const s of jsm.streams.list()) {
    if (s.config.max_bytes > 0) others.push(`${s.config.name} ${(s.config.max_bytes / 2 ** 30).toFixed(1)} GiB`);
  }
  return (
    `the server at ${url} cannot reserve the 10 GiB that ORDERS' max_bytes asks for (JetStream error 10047). ` +
    `Streams already holding reservations: ${others.join(', ') || 'none'}. ` +
    'Delete streams you no longer need, or point NATS_URL at another server.'
  );
}

/** When ORDERS was created (its identity), or undefined if it does not exist. */
export async function ordersCreated(jsm: JetStreamManager): Promise<string | undefined> {
  try {
    return (await jsm.streams.info(ORDERS)).created;
  } catch (err) {
    if (isApiError(err, 10059)) return undefined;
    throw err;
  }
}

/** A sentence if the ORDERS stream this run created is gone or was replaced by someone else. */
export async function replacedBySomeoneElse(jsm: JetStreamManager, ours: string | undefined): Promise<string | undefined> {
  const now = await ordersCreated(jsm).catch(() => ours);
  if (ours === undefined || now === ours) return undefined;
  return now === undefined
    ? 'another program deleted the ORDERS stream on this server while the demo ran (another lesson\'s demo?); run it again when the server is free, or set NATS_URL to a server of your own'
    : 'another program recreated the ORDERS stream on this server while the demo ran (another lesson\'s demo?); run it again when the server is free, or set NATS_URL to a server of your own';
}
