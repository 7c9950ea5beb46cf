// Which nats-server the lesson talks to, for the parts that differ by version (issue 15): 2.9 needs
// some things built by hand that a current server (2.11+) does natively.
import type { NatsConnection } from '@nats-io/transport-node';

/** "2.9.10" -> [2, 9, 10]. */
export function parseVersion(v: string): [number, number, number] {
  const [a = 0, b = 0, c = 0] = v.replace(/^v/, '').split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  return [a, b, c];
}

export function versionAtLeast(v: string, min: string): boolean {
  const [x, y] = [parseVersion(v), parseVersion(min)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return true;
}

export function serverVersion(nc: NatsConnection): string {
  return nc.info?.version ?? '0.0.0';
}
