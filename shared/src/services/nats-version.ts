// The version of the nats-server binary the private servers will run (NATS_SERVER_BIN or the
// machine's), asked of the binary itself, so a test can be skipped with a reason before it starts
// servers it cannot use.
import { execFileSync } from 'node:child_process';
import { natsServerBinary } from './nats-server';

/** "2.9.10", or undefined when there is no binary or it does not say. */
export function natsBinaryVersion(binary = natsServerBinary()): string | undefined {
  if (!binary) return undefined;
  const out = execFileSync(binary, ['--version'], { encoding: 'utf8' }); // "nats-server: v2.9.10"
  return /v?(\d+\.\d+\.\d+)/.exec(out)?.[1];
}
