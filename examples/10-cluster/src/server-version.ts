// Which nats-server will the private cluster run, and can it do what a test needs? Asked of the
// binary itself (`nats-server --version`), so a test can be skipped with a reason before it starts
// three servers it cannot use. NATS_SERVER_BIN picks the binary, as for every private server.
import { execFileSync } from 'node:child_process';
import { natsServerBinary } from '@mq/shared/services';

export interface ServerVersion {
  text: string;
  major: number;
  minor: number;
  patch: number;
}

export function privateServerVersion(binary = natsServerBinary()): ServerVersion | undefined {
  if (!binary) return undefined;
  const out = execFileSync(binary, ['--version'], { encoding: 'utf8' }); // "nats-server: v2.9.10"
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(out);
  if (!m) return undefined;
  return { text: `${m[1]}.${m[2]}.${m[3]}`, major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

export function atLeast(v: ServerVersion | undefined, major: number, minor: number): boolean {
  return !!v && (v.major > major || (v.major === major && v.minor >= minor));
}
