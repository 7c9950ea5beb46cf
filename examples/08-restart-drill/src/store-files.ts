// What JetStream actually keeps on disk, to set against the seed's description (a wal/ directory
// replayed on start). nats-server 2.9 writes messages straight into block files (msgs/N.blk) with
// an index next to them, stream metadata in meta.inf, and each consumer's state under obs/<name>/.
import fs from 'node:fs';
import path from 'node:path';

export function storeFiles(storeDir: string, stream: string): string[] {
  const root = path.join(storeDir, 'jetstream', '$G', 'streams', stream);
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((rel) => fs.statSync(path.join(root, rel)).isFile())
    .sort()
    .map((rel) => `${rel} (${fs.statSync(path.join(root, rel)).size} B)`);
}
