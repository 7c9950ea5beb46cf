// The server can partition for you: a subject mapping with partition(N, token) in the server's
// config (since 2.8, so 2.9 has it) rewrites l06.orders.<userId> to l06.orders.part.<p>.<userId>.
// Its p is NOT userId % N: it is the FNV-1a hash (32 bit) of the token's text, modulo N. Both
// spread users evenly; they put a given user in different partitions, so producers and consumers
// must agree on one of them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectNats } from '@mq/shared';
import { PrivateNatsServer } from '@mq/shared/services';
import { scope } from './setup';

export const MAPPED_FROM = scope.subject('orders.*');
export const MAPPED_TO = scope.subject('orders.part.*.*');

/** The `mappings` block of a server config that partitions l06.orders.<userId> into N. */
export function mappingConfig(partitions: number): string {
  // #region look-partition-mapping
  return `mappings = {\n  "${MAPPED_FROM}": "${scope.subject('orders.part')}.{{partition(${partitions},1)}}.{{wildcard(1)}}"\n}\n`;
  // #endregion look-partition-mapping
}

/** FNV-1a, 32 bit, over the UTF-8 bytes: what the server's partition() hashes a token with. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function mappedPartition(userId: number, partitions: number): number {
  return fnv1a32(String(userId)) % partitions;
}

/**
 * Start a private nats-server whose config holds the mapping, publish one message per user to
 * l06.orders.<userId>, and read which partition the server put each user in.
 */
export async function serverPartitions(userIds: number[], partitions: number): Promise<Map<number, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mq-l06-mapping-'));
  const conf = path.join(dir, 'mapping.conf');
  fs.writeFileSync(conf, mappingConfig(partitions));
  // A second -c replaces the private server's own config: no JetStream needed for a mapping.
  const server = await PrivateNatsServer.start({ storeDir: dir, args: ['-c', conf] });
  const nats = await connectNats(server.url, { name: '06-mapping' });
  try {
    const seen = new Map<number, number>();
    const sub = nats.nc.subscribe(MAPPED_TO);
    await nats.nc.flush();
    for (const u of userIds) nats.nc.publish(scope.subject(`orders.${u}`), '');
    for await (const m of sub) {
      const [p, user] = m.subject.split('.').slice(-2).map(Number);
      seen.set(user, p);
      if (seen.size === userIds.length) break;
    }
    return seen;
  } finally {
    await nats.close();
    await server.dispose();
  }
}
